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

    /**
     * Every write a data centre accepted, keyed by namespace, for the other data centres: MirrorMaker 2 copies it
     * to each of them as {@code <alias>.kv.changes.v1} ({@link #mirroredChanges}), where it is merged by version
     * vector into the same stores.
     */
    public static final Topic<KvChange> CHANGES = Topic.events("kv.changes.v1", "namespace", KvChange.class,
                    KvChange::getNamespace)
            .withConfigs(Map.of("max.message.bytes", Integer.toString(MAX_RECORD_BYTES)));

    /** Versions set aside by a conflict rule (last-writer-wins, the sibling cap), value included, by namespace. */
    public static final Topic<KvConflict> CONFLICTS = Topic.events("kv.conflicts.v1", "namespace", KvConflict.class,
                    KvConflict::getNamespace)
            .withConfigs(Map.of("max.message.bytes", Integer.toString(MAX_RECORD_BYTES)));

    public static final List<Topic<?>> ALL = List.of(WRITES, CHANGES, CONFLICTS);

    /**
     * The copy of data centre {@code alias}'s {@link #CHANGES} in this one, as MirrorMaker 2's default replication
     * policy names it.
     */
    public static Topic<KvChange> mirroredChanges(String alias) {
        if (!alias.matches("[a-z0-9][a-z0-9-]{0,30}")) {
            throw new IllegalArgumentException("a data centre alias is 1-31 of a-z, 0-9 and -, got '" + alias + "'");
        }
        return Topic.events(alias + "." + CHANGES.name(), "namespace", KvChange.class, KvChange::getNamespace)
                .withConfigs(CHANGES.topicConfig());
    }

    private KvTopics() {
    }
}
