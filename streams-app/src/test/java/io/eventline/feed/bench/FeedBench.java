package io.eventline.feed.bench;

import io.eventline.bench.BenchBroker;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/** What the feed benchmarks share beyond {@link io.eventline.bench}: partitions and their RocksDB option. */
final class FeedBench {
    private FeedBench() {
    }

    /** The partition the default partitioner sends {@code key} to, as the feed topology groups users. */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % BenchBroker.PARTITIONS;
    }

    /**
     * The RocksDB config setter a run's option {@code rocksdb=production|default-arena} names; null for
     * production's, which {@code StreamsSettings} sets already.
     */
    static Class<? extends RocksDBConfigSetter> rocksDbConfig(Map<String, String> args) {
        return switch (args.getOrDefault("rocksdb", "production")) {
            case "production" -> null;
            case "default-arena" -> DefaultArenaRocksDbConfig.class;
            default -> throw new IllegalArgumentException("rocksdb=production|default-arena");
        };
    }

    static String describe(Class<? extends RocksDBConfigSetter> rocksDbConfig) {
        return rocksDbConfig == null ? "production's BoundedRocksDbConfig"
                : "production's BoundedRocksDbConfig with RocksDB's default memtable arena blocks of "
                        + DefaultArenaRocksDbConfig.ARENA_BLOCK_BYTES / 1024
                        + " KiB, as before de604d7 (not production)";
    }
}
