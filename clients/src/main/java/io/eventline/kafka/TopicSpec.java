package io.eventline.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a topic should look like: its name, partition count, replication factor and topic-level configs.
 *
 * @param name              a legal Kafka topic name, e.g. {@code feed.posts.v1}
 * @param partitions        at least 1
 * @param replicationFactor at least 1, or {@link #BROKER_DEFAULT_REPLICATION} to use the broker's
 *                          {@code default.replication.factor}
 * @param config            topic configs such as {@code cleanup.policy=compact}; copied
 */
public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> config) {

    /** Lets the broker choose, so one spec fits a single embedded node and a replicated cluster alike. */
    public static final short BROKER_DEFAULT_REPLICATION = -1;

    private static final Pattern LEGAL_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (!LEGAL_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("Illegal topic name '" + name
                    + "': use 1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("Topic " + name + " needs at least one partition, got " + partitions);
        }
        if (replicationFactor < 1 && replicationFactor != BROKER_DEFAULT_REPLICATION) {
            throw new IllegalArgumentException("Topic " + name + " has an invalid replication factor "
                    + replicationFactor);
        }
        config = Map.copyOf(config);
    }

    /** A delete-policy topic with the broker's default replication factor and no config overrides. */
    public static TopicSpec of(String name, int partitions) {
        return new TopicSpec(name, partitions, BROKER_DEFAULT_REPLICATION, Map.of());
    }

    /** A copy with {@code cleanup.policy=compact}. */
    public TopicSpec compacted() {
        return withConfig("cleanup.policy", "compact");
    }

    /** A copy with one topic config added or replaced. */
    public TopicSpec withConfig(String key, String value) {
        final Map<String, String> merged = new HashMap<>(config);
        merged.put(key, value);
        return new TopicSpec(name, partitions, replicationFactor, merged);
    }

    /** A copy with another replication factor. */
    public TopicSpec withReplicationFactor(int factor) {
        if (factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Replication factor too large: " + factor);
        }
        return new TopicSpec(name, partitions, (short) factor, config);
    }
}
