package io.eventline.streams;

import io.eventline.kafka.TopicDurability;
import io.eventline.kv.KvTopics;
import io.eventline.platform.EventlineConfig;
import java.net.URI;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka Streams properties for one instance. */
public final class StreamsSettings {
    /** Records that cannot be read or processed land here with the error in their headers. */
    public static final String DEAD_LETTER_TOPIC = "eventline.dead-letters.v1";

    @SuppressWarnings("deprecation")
    private static final String GLOBAL_PROCESSING_EXCEPTION_HANDLER_ENABLED =
            StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;

    private StreamsSettings() {
    }

    /** {@link #of(EventlineConfig, Map, TopicDurability)} on a plain cluster with the configured replication. */
    public static Properties of(EventlineConfig config, String bootstrapServers) {
        return of(config, config.kafkaClientConfig(bootstrapServers), plainTopics(config));
    }

    /**
     * @param clientConfig the Kafka client settings every client starts from (bootstrap servers, security)
     * @param topics       how internal topics (changelogs, repartition topics) are replicated and flushed
     */
    public static Properties of(EventlineConfig config, Map<String, Object> clientConfig, TopicDurability topics) {
        final Properties props = new Properties();
        // unprefixed, so that Kafka Streams passes them to its producers, consumers and admin client alike
        props.putAll(clientConfig);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, config.applicationId() + "-" + config.instanceId());
        final URI advertised = URI.create(config.advertisedUrl());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertised.getHost() + ":" + effectivePort(advertised));
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.streamsStateDir().toAbsolutePath().normalize().toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) topics.replicationFactor());
        topics.topicConfig().forEach((name, value) -> props.put(StreamsConfig.topicPrefix(name), value));
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        config.taskAssignor().assignorClass()
                .ifPresent(assignor -> props.put(StreamsConfig.TASK_ASSIGNOR_CLASS_CONFIG, assignor));
        // at-least-once: outcomes are visible at once, and processors fix IDs and outcomes by event ID
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, config.streamsCacheBytes());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        props.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 60_000);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class);
        props.put(BoundedRocksDbConfig.TOTAL_BYTES_CONFIG, config.rocksDbCacheBytes());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UnreadableRecordHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, RetriedProcessingHandler.class);
        // the same handler for the global tables (rate-limit rules, celebrities, templates, presence): a record
        // that fails there is logged and skipped instead of stopping the instance; Kafka 5 makes this the default
        props.put(GLOBAL_PROCESSING_EXCEPTION_HANDLER_ENABLED, true);
        // the partition assignor reads its settings from the main consumer's, which Kafka fills without this one,
        // and would warn once per stream thread that the handler is off
        props.put(StreamsConfig.mainConsumerPrefix(GLOBAL_PROCESSING_EXCEPTION_HANDLER_ENABLED), true);
        props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringProductionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, DEAD_LETTER_TOPIC);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 1);
        // a key-value store's changelog record holds a value of up to 1 MiB besides its key and version
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), KvTopics.MAX_RECORD_BYTES);
        // at linger.ms=1 most batches hold one small record, which LZ4 makes larger and several times dearer to
        // write and read (BENCHMARKS.md, "One-step generated codes and compression on internal hops")
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 15_000);
        // static membership: a restarted instance takes its old place at once instead of waiting out the session
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                config.applicationId() + "-" + config.instanceId());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        props.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, StreamsConfig.OPTIMIZE);
        // no topology joins streams by time, so a task never waits for an idle input to catch up
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        return props;
    }

    /**
     * Properties of the exactly-once application, which runs notifications and chat's user side: its own
     * application ID ({@code <id>-notify}, the name it had while notifications were its only domain, so their
     * state carries over), one stream thread by default, and exactly-once processing. So the memory of a
     * notification request and the deliveries it produced commit together, and so do a sync queue entry, the
     * unread count it moves and the push to a user with no device. The short commit interval bounds how long
     * output waits to become visible to read_committed readers; each commit is a transaction, so a shorter one
     * costs the broker more
     * ({@code EVENTLINE_EXACTLY_ONCE_COMMIT_INTERVAL}, {@code EVENTLINE_EXACTLY_ONCE_THREADS}).
     */
    public static Properties notifications(EventlineConfig config, String bootstrapServers) {
        return notifications(config, config.kafkaClientConfig(bootstrapServers), plainTopics(config));
    }

    /** See {@link #notifications(EventlineConfig, String)} and {@link #of(EventlineConfig, Map, TopicDurability)}. */
    public static Properties notifications(EventlineConfig config, Map<String, Object> clientConfig,
                                           TopicDurability topics) {
        final Properties props = of(config, clientConfig, topics);
        final String applicationId = config.applicationId() + NOTIFY_SUFFIX;
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId + "-" + config.instanceId());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                applicationId + "-" + config.instanceId());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.exactlyOnceCommitInterval().toMillis());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.exactlyOnceThreads());
        return props;
    }

    private static TopicDurability plainTopics(EventlineConfig config) {
        return new TopicDurability(config.topicReplicationFactor().orElse((short) 1), Map.of());
    }

    /** The exactly-once application's ID is the main one's with this suffix. */
    public static final String NOTIFY_SUFFIX = "-notify";

    /** The port a URL reaches, explicit or the scheme's default; how {@code application.server} names it. */
    public static int effectivePort(URI uri) {
        if (uri.getPort() > 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
