package io.eventline.kv;

import io.eventline.operations.OperationOutcome;
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
 * changelogs (replicated, with standby copies on other instances) are what reads fail over to. With other data
 * centres ({@link KvSettings#peers()}), the writes applied here go out on {@code kv.changes.v1} and theirs,
 * mirrored in, are merged into the same stores on the same partition.
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
        final String[] stores = {KvStores.ENTRIES, KvStores.NAMESPACES, KvStores.EXPIRY, KvStores.APPLIED};
        kit.sinks(kit.source(KvTopics.WRITES, Requests.of(KvWriteRequested::getEventId,
                                KvWriteRequested::getPrincipal))
                        .process(() -> new KvWriter(settings), Named.as("kv-apply-write"), stores), "kv-written-")
                .to("outcomes", OperationOutcome.class, OperationTopics.OUTCOMES)
                .to("changes", KvChange.class, KvTopics.CHANGES)
                .end();
        // another data centre's changes land on the partition its namespace has here: same key, same count
        for (String peer : settings.peers()) {
            kit.sinks(kit.source(KvTopics.mirroredChanges(peer))
                            .process(() -> new KvChangeMerger(settings), Named.as("kv-merge-" + peer),
                                    KvStores.ENTRIES, KvStores.NAMESPACES, KvStores.EXPIRY), "kv-merged-" + peer + "-")
                    .to("conflicts", KvConflict.class, KvTopics.CONFLICTS)
                    .end();
        }
    }
}
