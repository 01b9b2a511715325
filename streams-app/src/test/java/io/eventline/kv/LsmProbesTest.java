package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.streams.BoundedRocksDbConfig;
import io.eventline.streams.RocksDbInstruments;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/** The instruments on RocksDB itself, opened the way Kafka Streams opens a store: options, setter, open, close. */
class LsmProbesTest {
    private static final int KEYS = 1_000;

    static {
        RocksDB.loadLibrary();
    }

    @TempDir
    Path stateDir;

    @Test
    void shouldKnowAStoreThatOpensWithFilesBeforeItFlushes() throws Exception {
        // Given a kv store that was written, flushed and closed
        final Path storeDir = stateDir.resolve("app").resolve("1_3").resolve("rocksdb").resolve("kv-store");
        Files.createDirectories(storeDir);
        try (OpenStore store = new OpenStore("kv-store", storeDir, new LsmProbes())) {
            for (int i = 0; i < KEYS; i++) {
                store.db.put(key(i), key(i));
            }
            try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                store.db.flush(flush);
            }
        }

        // When it opens again and is asked for keys it does not hold, without writing
        final LsmProbes probes = new LsmProbes();
        try (OpenStore store = new OpenStore("kv-store", storeDir, probes)) {
            for (int i = 0; i < 50; i++) {
                assertThat(store.db.get(new String(key(i), StandardCharsets.UTF_8).concat("-missing")
                        .getBytes(StandardCharsets.UTF_8))).isNull();
            }

            // Then its instruments are found by its directory, count what the filter spared, and say the levels
            // are not known yet
            final LsmReading reading = probes.readings().get(storeDir);
            assertThat(reading.bloomUseful()).isGreaterThanOrEqualTo(50);
            assertThat(reading.levels()).isNull();
        }

        // And once closed, its instruments are gone
        assertThat(probes.readings()).doesNotContainKey(storeDir);
    }

    @Test
    void shouldGiveKvStoresFiltersOnEveryLevelAndLeaveOtherStoresAlone() throws RocksDBException {
        // Given Kafka Streams' options, which skip the filters of the last level
        // When the platform's setter configures a kv store and another store
        try (Options kv = kafkaStreamsOptions(); Options other = kafkaStreamsOptions()) {
            final LsmProbes probes = new LsmProbes();
            final BoundedRocksDbConfig kvSetter = new BoundedRocksDbConfig();
            final BoundedRocksDbConfig otherSetter = new BoundedRocksDbConfig();
            kvSetter.setConfig("kv-namespace-store", kv, Map.of(RocksDbInstruments.CONFIG, probes));
            otherSetter.setConfig("feed-store", other, Map.of(RocksDbInstruments.CONFIG, probes));

            // Then only the kv store gets statistics and filters at every level
            assertThat(kv.optimizeFiltersForHits()).isFalse();
            assertThat(kv.statistics()).isNotNull();
            assertThat(other.optimizeFiltersForHits()).isTrue();
            assertThat(other.statistics()).isNull();
            assertThat(((BlockBasedTableConfig) kv.tableFormatConfig()).filterPolicy()).isNotNull();
            kvSetter.close("kv-namespace-store", kv);
            otherSetter.close("feed-store", other);
        }
    }

    private static Options kafkaStreamsOptions() {
        final BlockBasedTableConfig table = new BlockBasedTableConfig();
        table.setFilterPolicy(new BloomFilter());
        return new Options().setCreateIfMissing(true).setOptimizeFiltersForHits(true).setTableFormatConfig(table);
    }

    private static byte[] key(int i) {
        return String.format("ns/key-%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** A store opened and closed in Kafka Streams' order: the setter closes before RocksDB. */
    private static final class OpenStore implements AutoCloseable {
        private final String name;
        private final Options options = kafkaStreamsOptions();
        private final BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        private final RocksDB db;

        OpenStore(String name, Path dir, LsmProbes probes) throws RocksDBException {
            this.name = name;
            setter.setConfig(name, options, Map.of(RocksDbInstruments.CONFIG, probes));
            db = RocksDB.open(options, dir.toAbsolutePath().toString());
        }

        @Override
        public void close() {
            setter.close(name, options);
            db.close();
            options.close();
        }
    }
}
