package io.eventline.ratelimit.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.RocksDbCounters;
import io.eventline.platform.EventlineConfig;
import io.eventline.ratelimit.RateLimitTopology;
import io.eventline.shorturl.ShortUrlSettings;
import io.eventline.streams.EventlineTopology;
import io.eventline.streams.StreamsSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A Kafka Streams application on the bench broker, with the production properties of {@link StreamsSettings}
 * (built from {@link EventlineConfig}'s defaults: at-least-once, 2 stream threads, commit every second,
 * production's RocksDB config), running one of: the whole {@link EventlineTopology} as an instance runs it, the
 * rate limiter's {@link RateLimitTopology} alone, or one of two minimal topologies used as ceilings.
 */
final class StreamsUnderTest implements AutoCloseable {
    static final String CEILING_STORE = "bench-counter-store";

    private final String applicationId;
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StreamsUnderTest(BenchBroker broker, String applicationId, Function<Properties, Topology> topology) {
        this(broker, applicationId, topology, false);
    }

    /** @param rocksDbStats whether RocksDB keeps statistics ({@link RocksDbCounters}) */
    private StreamsUnderTest(BenchBroker broker, String applicationId, Function<Properties, Topology> topology,
                             boolean rocksDbStats) {
        final EventlineConfig config = EventlineConfig.load(Map.of(
                "EVENTLINE_DATA_DIR", broker.dir(applicationId).toString(),
                "EVENTLINE_APPLICATION_ID", applicationId));
        this.applicationId = config.applicationId();
        final Properties props = StreamsSettings.of(config, broker.bootstrap());
        if (rocksDbStats) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbCounters.class);
        }
        this.streams = new KafkaStreams(topology.apply(props), props);
        streams.setUncaughtExceptionHandler(error -> {
            failure.set(error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    /** The whole Eventline topology, as {@code Platform} builds it (application ID {@code eventline}). */
    static StreamsUnderTest eventline(BenchBroker broker) {
        return eventline(broker, false);
    }

    /** As {@link #eventline(BenchBroker)}, with RocksDB statistics if {@code rocksDbStats}. */
    static StreamsUnderTest eventline(BenchBroker broker, boolean rocksDbStats) {
        final EventlineConfig defaults = EventlineConfig.load(Map.of());
        return new StreamsUnderTest(broker, defaults.applicationId(), props -> EventlineTopology.build(
                new ShortUrlSettings(defaults.topicPartitions(), "bench-secret", defaults.publicUrl()),
                defaults.feed(), defaults.rateLimit(), null, broker.serdes(), props), rocksDbStats);
    }

    /** Only the rate limiter's topology: its global rules table, its state store, checks in, decisions out. */
    static StreamsUnderTest rateLimitOnly(BenchBroker broker, boolean rocksDbStats) {
        final EventlineConfig defaults = EventlineConfig.load(Map.of());
        return new StreamsUnderTest(broker, "bench-ratelimit", props -> {
            final StreamsBuilder builder = new StreamsBuilder();
            RateLimitTopology.addTo(builder, defaults.rateLimit(), broker.serdes());
            return builder.build(props);
        }, rocksDbStats);
    }

    /** Ceiling B: every record of {@code in} copied to {@code out} as it is, no state. */
    static StreamsUnderTest passThrough(BenchBroker broker, String in, String out) {
        return new StreamsUnderTest(broker, "bench-pass-through", props -> {
            final StreamsBuilder builder = new StreamsBuilder();
            builder.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("in"))
                    .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("out"));
            return builder.build(props);
        });
    }

    /**
     * Ceiling C: the least a counter needs: per record one get and one put of its key in a persistent, logged
     * store without cache (as the limiter's state store), then the record forwarded from {@code in} to {@code out}.
     */
    static StreamsUnderTest getPutForward(BenchBroker broker, String in, String out) {
        return new StreamsUnderTest(broker, "bench-get-put", props -> {
            final StreamsBuilder builder = new StreamsBuilder();
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CEILING_STORE),
                    Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
            builder.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("in"))
                    .process(GetPut::new, Named.as("get-put"), CEILING_STORE)
                    .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("out"));
            return builder.build(props);
        });
    }

    /** Reads the key's 8-byte count, writes it back plus one, forwards the record. */
    private static final class GetPut implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(CEILING_STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            final byte[] count = store.get(record.key());
            final long next = count == null ? 1 : java.nio.ByteBuffer.wrap(count).getLong() + 1;
            store.put(record.key(), java.nio.ByteBuffer.allocate(Long.BYTES).putLong(next).array());
            context.forward(record);
        }
    }

    StreamsUnderTest start() {
        streams.start();
        Bench.await(applicationId + " RUNNING", 120_000, 50, () -> {
            check();
            return streams.state() == KafkaStreams.State.RUNNING;
        });
        return this;
    }

    String applicationId() {
        return applicationId;
    }

    void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("a stream thread failed", failure.get());
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("streams in ERROR");
        }
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(60));
    }
}
