package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.feed.FeedKeys;
import io.eventline.feed.FeedStores;
import io.eventline.feed.FeedTopics;
import io.eventline.feed.Post;
import io.eventline.feed.UserState;
import io.eventline.platform.EventlineConfig;
import io.eventline.shorturl.ShortUrlSettings;
import io.eventline.streams.EventlineTopology;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;

/**
 * The whole Eventline topology in Kafka Streams with the production properties of {@link StreamsSettings}
 * (built from {@link EventlineConfig}'s defaults), plus the interactive queries the benchmarks poll, each
 * against the one partition that owns the key.
 */
final class FeedApp implements AutoCloseable {
    /** The topics the application's consumer group reads; its lag on them tells when it is idle. */
    static final Set<String> INPUTS = FeedTopics.ALL.stream().filter(topic -> !topic.compacted()).map(Topic::name)
            .collect(Collectors.toUnmodifiableSet());

    private final EventlineConfig config;
    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Map<String, ReadOnlyKeyValueStore<String, ?>> stores = new ConcurrentHashMap<>();

    /**
     * @param dataDir            {@code EVENTLINE_DATA_DIR}; the state lives under it as in production
     * @param celebrityThreshold {@code EVENTLINE_FEED_CELEBRITY_THRESHOLD}
     * @param rocksDbConfig      null for production's {@code BoundedRocksDbConfig}
     */
    FeedApp(BenchBroker cluster, Path dataDir, int celebrityThreshold,
            Class<? extends RocksDBConfigSetter> rocksDbConfig) {
        final Map<String, String> env = new HashMap<>();
        env.put("EVENTLINE_DATA_DIR", dataDir.toString());
        env.put("EVENTLINE_FEED_CELEBRITY_THRESHOLD", Integer.toString(celebrityThreshold));
        this.config = EventlineConfig.load(env);
        final Properties props = StreamsSettings.of(config, cluster.bootstrap());
        if (rocksDbConfig != null) {
            props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, rocksDbConfig);
        }
        this.streams = new KafkaStreams(EventlineTopology.build(new ShortUrlSettings(
                config.topicPartitions(), "bench-secret", config.publicUrl()), config.feed(), config.rateLimit(), null,
                cluster.serdes(), props), props);
        streams.setUncaughtExceptionHandler(error -> {
            failure.set(error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    }

    FeedApp start() {
        streams.start();
        Bench.await("streams RUNNING", 120_000, 50, () -> {
            check();
            return streams.state() == KafkaStreams.State.RUNNING;
        });
        return this;
    }

    String applicationId() {
        return config.applicationId();
    }

    /** Where the instance's stores live: {@code <state dir>/<application id>}. */
    Path stateDir() {
        return config.streamsStateDir().resolve(config.applicationId());
    }

    KafkaStreams streams() {
        return streams;
    }

    void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("a stream thread failed", failure.get());
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException("streams in ERROR");
        }
    }

    /** The user's state, or null. */
    UserState user(String userId) {
        return this.<UserState>get(FeedStores.USERS, userId, userId);
    }

    long followers(String userId) {
        final UserState user = user(userId);
        return user == null ? 0 : user.getFollowers();
    }

    long feedSize(String userId) {
        final Long size = this.<Long>get(FeedStores.FEED_SIZES, userId, userId);
        return size == null ? 0 : size;
    }

    boolean feedHolds(String userId, long postId) {
        return get(FeedStores.FEED, userId, FeedKeys.post(userId, postId)) != null;
    }

    /** Whether the celebrity table every instance reads holds the post. */
    boolean celebrityTableHolds(String authorId, long postId) {
        final ReadOnlyKeyValueStore<String, Post> global = streams.store(StoreQueryParameters.fromNameAndType(
                FeedStores.CELEBRITY_POSTS, QueryableStoreTypes.<String, Post>keyValueStore()));
        return global.get(FeedKeys.post(authorId, postId)) != null;
    }

    /** A point read on the partition that owns {@code owner}, retried while the store is not queryable. */
    @SuppressWarnings("unchecked")
    private <V> V get(String storeName, String owner, String key) {
        final int partition = FeedBench.partitionOf(owner);
        for (int attempt = 0; ; attempt++) {
            final String handle = storeName + "/" + partition;
            try {
                final ReadOnlyKeyValueStore<String, V> store = (ReadOnlyKeyValueStore<String, V>) stores
                        .computeIfAbsent(handle, h -> streams.store(StoreQueryParameters.fromNameAndType(storeName,
                                QueryableStoreTypes.<String, V>keyValueStore()).withPartition(partition)));
                return store.get(key);
            } catch (InvalidStateStoreException e) {
                stores.remove(handle);
                check();
                if (attempt > 600) {
                    throw e;
                }
                Bench.sleep(50);
            }
        }
    }

    /** The sum of one of Kafka Streams' RocksDB metrics (e.g. {@code estimate-num-keys}) over a store's partitions. */
    long rocksDbMetric(String storeName, String metric) {
        return rocksDbMetric(storeName, metric, false);
    }

    /** The largest value of a RocksDB metric over a store's partitions, for what they share (the block cache). */
    long rocksDbMetricMax(String storeName, String metric) {
        return rocksDbMetric(storeName, metric, true);
    }

    private long rocksDbMetric(String storeName, String metric, boolean max) {
        long sum = 0;
        for (Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            final MetricName name = entry.getKey();
            if (name.name().equals(metric) && storeName.equals(name.tags().get("rocksdb-state-id"))) {
                final Object value = entry.getValue().metricValue();
                if (value instanceof Number number) {
                    sum = max ? Math.max(sum, number.longValue()) : sum + number.longValue();
                }
            }
        }
        return sum;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(60));
    }
}
