package io.eventline.kv;

import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;

/**
 * The key-value store: writes keyed by namespace are applied on the namespace's partition to RocksDB stores whose
 * changelogs (replicated, with standby copies on other instances) are what reads fail over to.
 */
public final class KvTopology {
    private KvTopology() {
    }

    /** The key-value store alone, for tests. */
    public static Topology build(KvSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(KvTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, KvSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "kv");
        // not cached: each change reaches its changelog (and standbys) at once, before the write is answered
        kit.keyValueStore(KvStores.ENTRIES, serdes.of(KvEntry.class), Caching.UNCACHED,
                Map.of("max.message.bytes", Integer.toString(KvTopics.MAX_RECORD_BYTES)));
        kit.keyValueStore(KvStores.NAMESPACES, serdes.of(KvNamespace.class), Caching.UNCACHED);
        kit.keyValueStore(KvStores.EXPIRY, Serdes.String(), Caching.UNCACHED);
        kit.keyValueStore(KvStores.APPLIED, serdes.of(KvApplied.class), Caching.UNCACHED);
        kit.to(kit.source(KvTopics.WRITES, Requests.of(KvWriteRequested::getEventId, KvWriteRequested::getPrincipal))
                        .process(() -> new KvWriter(settings), Named.as("kv-apply-write"), KvStores.ENTRIES,
                                KvStores.NAMESPACES, KvStores.EXPIRY, KvStores.APPLIED),
                OperationTopics.OUTCOMES, "kv-outcomes-sink");
    }
}
