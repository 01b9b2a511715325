package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.kv.StorePartitionFigures.Changelog;
import io.eventline.kv.StorePartitionFigures.Role;
import io.eventline.streams.BoundedRocksDbConfig;
import io.eventline.streams.RocksDbInstruments;
import io.eventline.testing.Eventually;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The figures of a real RocksDB store run by Kafka Streams' test driver through the platform's config setter. */
class LsmFiguresTest {
    private static final String APPLICATION = "lsm-figures-test";
    private static final String STORE = "kv-store";
    private static final String OTHER_STORE = "other-store";
    private static final String WRITES = "kv.test-writes";
    private static final int KEYS = 8_000;
    /** Together over the 4 MiB write buffer the platform gives each store, so the memtable is flushed. */
    private static final String VALUE = "v".repeat(1_024);
    private static final Duration FLUSH_WAIT = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    private final LsmProbes probes = new LsmProbes();
    private TopologyTestDriver driver;
    private LsmFigures figures;

    @BeforeEach
    void start() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        props.put(RocksDbInstruments.CONFIG, probes);
        driver = new TopologyTestDriver(topology(), props);
        figures = new LsmFigures(probes, stateDir.resolve(APPLICATION));
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldShowTheWritePathAndTheReadPathOfAKvStore() throws InterruptedException {
        // Given a kv store written past its memtable, so that it flushed SST files
        final TestInputTopic<String, String> writes = driver.createInputTopic(WRITES, new StringSerializer(),
                new StringSerializer());
        for (int i = 0; i < KEYS; i++) {
            writes.pipeInput(key(i), VALUE);
        }
        final StorePartitionFigures flushed = Eventually.eventually(FLUSH_WAIT, Duration.ofMillis(50),
                this::kvStoreFigures, now -> now.sstFiles().levels() != null && !now.sstFiles().levels().isEmpty());

        // When keys are read that the files hold, twice, and keys inside their range that they do not hold
        final KeyValueStore<String, String> store = driver.getKeyValueStore(STORE);
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 100; i++) {
                assertThat(store.get(key(i))).isEqualTo(VALUE);
            }
        }
        for (int i = 0; i < 100; i++) {
            assertThat(store.get(key(i) + "-missing")).isNull();
        }
        final StorePartitionFigures read = kvStoreFigures();

        // Then files sit at level 0, the filter spared reading the missing keys, and the cache was both asked
        // and missed
        assertThat(flushed.sstFiles().levels().get(0)).isGreaterThanOrEqualTo(1);
        assertThat(read.sstFiles().totalBytes()).isPositive();
        assertThat(read.taskId()).isEqualTo("0_0");
        assertThat(read.partition()).isZero();
        assertThat(read.role()).isEqualTo(Role.ACTIVE);
        assertThat(read.bloomFilter().useful()).isPositive();
        assertThat(read.bloomFilter().falsePositives()).isLessThan(read.bloomFilter().useful());
        assertThat(read.blockCache().hits()).isPositive();
        assertThat(read.blockCache().misses()).isPositive();
        assertThat(read.blockCache().hitRate()).isPresent();
        assertThat(read.memtable().bytes()).isPositive();
        assertThat(read.pendingCompactionBytes()).isNotNegative();
        assertThat(read.changelog()).isEqualTo(new Changelog(KEYS, 0));
    }

    @Test
    void shouldShowAnEmptyLsmBeforeTheFirstFlush() {
        // Given a kv store with a few keys, all still in its memtable
        final TestInputTopic<String, String> writes = driver.createInputTopic(WRITES, new StringSerializer(),
                new StringSerializer());
        writes.pipeInput(key(1), VALUE);
        writes.pipeInput(key(2), VALUE);

        // When its figures are read
        final StorePartitionFigures figure = kvStoreFigures();

        // Then the memtable holds them and nothing lies below it
        assertThat(figure.memtable().entries()).isGreaterThanOrEqualTo(2);
        assertThat(figure.sstFiles().levels()).isEmpty();
        assertThat(figure.sstFiles().totalBytes()).isZero();
        assertThat(figure.bloomFilter().useful()).isZero();
        assertThat(figure.blockCache().hitRate()).isEmpty();
    }

    @Test
    void shouldLeaveStoresOutsideTheKvDomainUninstrumented() {
        // Given a topology with a kv store and another store
        // When the figures are read
        final List<StorePartitionFigures> all = figures.collect(driver.metrics(), Set.of(), Map.of());

        // Then only the kv store is shown, and only the kv store has instruments
        assertThat(all).extracting(StorePartitionFigures::store).containsExactly(STORE);
        assertThat(probes.instruments(STORE)).isTrue();
        assertThat(probes.instruments(OTHER_STORE)).isFalse();
        assertThat(probes.readings()).doesNotContainKey(
                stateDir.resolve(APPLICATION).resolve("0_0").resolve("rocksdb").resolve(OTHER_STORE));
    }

    @Test
    void shouldTellAStandbyCopyByItsTask() {
        // Given the store's task is a standby here
        // When the figures are read
        final List<StorePartitionFigures> all = figures.collect(driver.metrics(), Set.of("0_0"),
                Map.of(STORE, Map.of(0, new Changelog(120, 20))));

        // Then the copy is a standby 20 records behind
        assertThat(all).singleElement().satisfies(figure -> {
            assertThat(figure.role()).isEqualTo(Role.STANDBY);
            assertThat(figure.changelog()).isEqualTo(new Changelog(120, 20));
        });
    }

    private StorePartitionFigures kvStoreFigures() {
        return figures.collect(driver.metrics(), Set.of(), Map.of(STORE, Map.of(0, new Changelog(KEYS, 0))))
                .stream().filter(figure -> figure.store().equals(STORE)).findFirst().orElseThrow();
    }

    private static String key(int i) {
        return String.format("ns/key-%05d", i);
    }

    private static Topology topology() {
        final Topology topology = new Topology();
        topology.addSource("writes", new StringDeserializer(), new StringDeserializer(), WRITES);
        topology.addProcessor("apply", Apply::new, "writes");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.String()).withCachingDisabled(), "apply");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OTHER_STORE),
                Serdes.String(), Serdes.String()).withCachingDisabled(), "apply");
        return topology;
    }

    /** Writes each record to the kv store. */
    private static final class Apply implements Processor<String, String, Void, Void> {
        private KeyValueStore<String, String> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            store.put(record.key(), record.value());
        }
    }
}
