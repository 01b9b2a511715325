package io.eventline.kv;

import io.eventline.topics.Topic;
import java.util.List;
import java.util.Map;

/** The key-value store's topics. */
public final class KvTopics {
    /** Room for a 1 MiB value with its key and the event's other fields. */
    public static final int MAX_RECORD_BYTES = 2 * 1024 * 1024;

    /**
     * Every write, keyed by namespace: a namespace, its keys and its usage are decided on one partition. Services
     * that write in bulk produce here directly; each write's outcome is on {@code operations.outcomes.v1}.
     */
    public static final Topic<KvWriteRequested> WRITES = Topic.events("kv.writes.v1", "namespace",
                    KvWriteRequested.class, KvWriteRequested::getNamespace)
            .withConfigs(Map.of("max.message.bytes", Integer.toString(MAX_RECORD_BYTES)));

    public static final List<Topic<?>> ALL = List.of(WRITES);

    private KvTopics() {
    }
}
