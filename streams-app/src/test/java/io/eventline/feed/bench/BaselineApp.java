package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.feed.FeedKeys;
import io.eventline.platform.EventlineConfig;
import io.eventline.streams.StreamsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.Stores;

/**
 * The least a fan-out must do, as a ceiling for the feed's: insert records keyed by author are repartitioned
 * by follower, and each becomes one put into a persistent, caching, logged RocksDB store under the feed store's
 * key layout. Runs with the same production properties as the feed.
 */
final class BaselineApp implements AutoCloseable {
    static final String INPUT = "bench.inserts.v1";
    static final String STORE = "bench-feed-store";
    static final String REPARTITION = "bench-inserts-by-follower";

    private final String applicationId;
    private final KafkaStreams streams;
    private final LongAdder written = new LongAdder();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /** @param rocksDbConfig null for production's {@code BoundedRocksDbConfig} */
    BaselineApp(BenchBroker cluster, Path dataDir, Class<? extends RocksDBConfigSetter> rocksDbConfig) {
        final EventlineConfig config = EventlineConfig.load(Map.of("EVENTLINE_DATA_DIR", dataDir.toString(),
                "EVENTLINE_APPLICATION_ID", "bench-baseline"));
        this.applicationId = config.applicationId();
        final Properties props = StreamsSettings.of(config, cluster.bootstrap());
        if (rocksDbConfig != null) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, rocksDbConfig);
        }
        this.streams = new KafkaStreams(topology(props), props);
        streams.setUncaughtExceptionHandler(error -> {
            failure.set(error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** An insert's value: {@code followerId postId authorId} separated by spaces; the key is the author. */
    static String insert(String followerId, long postId, String authorId) {
        return followerId + " " + postId + " " + authorId;
    }

    private Topology topology(Properties props) {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.String()).withCachingEnabled());
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()).withName("bench-inserts"))
                .selectKey((author, insert) -> insert.substring(0, insert.indexOf(' ')), Named.as("bench-by-follower"))
                .repartition(Repartitioned.<String, String>as(REPARTITION).withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.String()).withNumberOfPartitions(BenchBroker.PARTITIONS))
                .process(() -> new Writer(written), Named.as("bench-write-feed"), STORE);
        return builder.build(props);
    }

    private static final class Writer implements Processor<String, String, Void, Void> {
        private final LongAdder written;
        private KeyValueStore<String, String> feed;

        Writer(LongAdder written) {
            this.written = written;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            feed = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            final String follower = record.key();
            final String insert = record.value();
            final int postStart = insert.indexOf(' ') + 1;
            final int authorStart = insert.indexOf(' ', postStart) + 1;
            final long postId = Long.parseLong(insert.substring(postStart, authorStart - 1));
            feed.put(FeedKeys.post(follower, postId), insert.substring(authorStart));
            written.increment();
        }
    }

    BaselineApp start() {
        streams.start();
        Bench.await("baseline RUNNING", 120_000, 50, () -> {
            check();
            return streams.state() == KafkaStreams.State.RUNNING;
        });
        return this;
    }

    String applicationId() {
        return applicationId;
    }

    /** Puts done so far. */
    long written() {
        return written.sum();
    }

    void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("a stream thread failed", failure.get());
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(60));
    }
}
