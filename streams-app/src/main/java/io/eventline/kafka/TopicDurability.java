package io.eventline.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the topics Eventline creates are replicated and flushed on the cluster it runs on: the replication factor
 * and the topic configs ({@code min.insync.replicas}, {@code flush.messages}) that go with it. The same choice
 * applies to Kafka Streams' internal topics (changelogs, repartition topics).
 *
 * @param replicationFactor at least 1
 * @param topicConfig       topic-level configs added to every topic Eventline creates
 */
public record TopicDurability(short replicationFactor, Map<String, String> topicConfig) {

    /** Replicas per partition when none are configured and the cluster has enough brokers. */
    public static final int DEFAULT_REPLICAS = 3;
    /** With three replicas, an acknowledged write is on two of them, so one broker may fail without loss. */
    public static final int MIN_IN_SYNC_REPLICAS = 2;
    public static final String MIN_IN_SYNC_REPLICAS_CONFIG = "min.insync.replicas";
    public static final String FLUSH_MESSAGES_CONFIG = "flush.messages";

    public TopicDurability {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1, got " + replicationFactor);
        }
        topicConfig = Map.copyOf(topicConfig);
    }

    /**
     * Decides for a cluster of {@code brokers} brokers: the configured replication factor, else one replica per
     * broker up to {@value #DEFAULT_REPLICAS}; {@code min.insync.replicas} = {@value #MIN_IN_SYNC_REPLICAS} on a
     * cluster of three or more brokers (unless topics have a single replica, which could then take no write);
     * {@code flush.messages=1} when every record must reach the disk before it is acknowledged and the broker
     * does not already do so for all topics.
     *
     * @param configured       {@code EVENTLINE_TOPIC_REPLICATION_FACTOR}, if set
     * @param brokers          the brokers the cluster has now
     * @param flushEachMessage whether the topics themselves must flush before acknowledging
     * @throws IllegalStateException if the configured factor exceeds the brokers
     */
    public static TopicDurability decide(Optional<Short> configured, int brokers, boolean flushEachMessage) {
        if (brokers < 1) {
            throw new IllegalArgumentException("a cluster has at least one broker, got " + brokers);
        }
        final short replicas = configured.orElse((short) Math.min(DEFAULT_REPLICAS, brokers));
        if (replicas > brokers) {
            throw new IllegalStateException("EVENTLINE_TOPIC_REPLICATION_FACTOR is " + replicas
                    + " but the Kafka cluster has " + brokers + (brokers == 1 ? " broker" : " brokers"));
        }
        final Map<String, String> config = new LinkedHashMap<>();
        if (brokers >= 3 && replicas >= 2) {
            config.put(MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(MIN_IN_SYNC_REPLICAS));
        }
        if (flushEachMessage) {
            config.put(FLUSH_MESSAGES_CONFIG, "1");
        }
        return new TopicDurability(replicas, config);
    }

    /** {@code spec} with this replication factor and these configs added to its own. */
    public TopicSpec apply(TopicSpec spec) {
        TopicSpec durable = spec.withReplicationFactor(replicationFactor);
        for (Map.Entry<String, String> entry : topicConfig.entrySet()) {
            durable = durable.withConfig(entry.getKey(), entry.getValue());
        }
        return durable;
    }
}
