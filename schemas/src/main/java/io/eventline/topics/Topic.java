package io.eventline.topics;

import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * A named, versioned topic: its Avro value type, the key every event on it carries (computed from the event, so
 * producers and processors agree on it), how that key picks a partition, and the settings it is created with.
 *
 * @param name        the versioned name, {@code <domain>.<name>.v1}
 * @param keyMeaning  what the record key holds, e.g. "userId", for readers of the docs and errors
 * @param valueType   the generated Avro class of its values
 * @param key         computes the record key of an event
 * @param partitioner the topic's own partitioning, or null for Kafka's key hashing
 * @param anyKey      whether records under another key are accepted (and re-keyed by the processor that reads
 *                    them) instead of dead-lettered
 * @param compacted   whether the topic is a compacted table rather than an event log
 * @param configs     extra topic configs
 */
public record Topic<V extends SpecificRecord>(String name, String keyMeaning, Class<V> valueType,
                                              Function<? super V, String> key, KeyPartitioner partitioner,
                                              boolean anyKey, boolean compacted, Map<String, String> configs) {

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(key, "key");
        configs = Map.copyOf(configs);
    }

    /** An event log keyed by {@code key}. */
    public static <V extends SpecificRecord> Topic<V> events(String name, String keyMeaning, Class<V> valueType,
                                                             Function<? super V, String> key) {
        return new Topic<>(name, keyMeaning, valueType, key, null, false, false, Map.of());
    }

    /** A compacted table keyed by {@code key}. */
    public static <V extends SpecificRecord> Topic<V> table(String name, String keyMeaning, Class<V> valueType,
                                                            Function<? super V, String> key) {
        return new Topic<>(name, keyMeaning, valueType, key, null, false, true, Map.of("cleanup.policy", "compact"));
    }

    /** This topic created with {@code configs} instead. */
    public Topic<V> withConfigs(Map<String, String> configs) {
        return new Topic<>(name, keyMeaning, valueType, key, partitioner, anyKey, compacted, configs);
    }

    /** This topic with its own partitioning of keys. */
    public Topic<V> partitionedBy(KeyPartitioner partitioner) {
        return new Topic<>(name, keyMeaning, valueType, key, partitioner, anyKey, compacted, configs);
    }

    /** This topic accepting records under any key, for a reader that re-keys them itself. */
    public Topic<V> acceptingAnyKey() {
        return new Topic<>(name, keyMeaning, valueType, key, partitioner, true, compacted, configs);
    }

    /** The key {@code event} is produced with. */
    public String keyOf(V event) {
        return key.apply(event);
    }

    /**
     * Why a record under {@code recordKey} does not belong on this topic, or null when it does: its key must be
     * the one its event computes, since the state it changes lives on that key's partition.
     */
    public String misKeyed(String recordKey, V event) {
        if (anyKey || event == null) {
            return null;
        }
        final String expected;
        try {
            expected = keyOf(event);
        } catch (RuntimeException e) {
            return "the key of this " + valueType.getSimpleName() + " cannot be computed: " + e;
        }
        if (expected == null || expected.isEmpty()) {
            return "this " + valueType.getSimpleName() + " has no " + keyMeaning + " to key it by";
        }
        return expected.equals(recordKey) ? null
                : "this event must be produced with key '" + expected + "' (" + name + " is keyed by " + keyMeaning
                + ")";
    }

    /** The config the topic is created with. */
    public Map<String, String> topicConfig() {
        return configs;
    }
}
