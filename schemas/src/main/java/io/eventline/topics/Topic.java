package io.eventline.topics;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * A named, versioned topic: its string key (what the key is, for partitioning), its Avro value type and the
 * settings it is created with.
 *
 * @param name       the versioned name, {@code <domain>.<name>.v1}
 * @param keyMeaning what the record key holds, e.g. "userId"
 * @param valueType  the generated Avro class of its values
 * @param compacted  whether the topic is a compacted table rather than an event log
 * @param configs    extra topic configs
 */
public record Topic<V extends SpecificRecord>(String name, String keyMeaning, Class<V> valueType,
                                              boolean compacted, Map<String, String> configs) {

    public static <V extends SpecificRecord> Topic<V> events(String name, String keyMeaning, Class<V> valueType) {
        return new Topic<>(name, keyMeaning, valueType, false, Map.of());
    }

    public static <V extends SpecificRecord> Topic<V> table(String name, String keyMeaning, Class<V> valueType) {
        return new Topic<>(name, keyMeaning, valueType, true, Map.of("cleanup.policy", "compact"));
    }

    /** The config the topic is created with. */
    public Map<String, String> topicConfig() {
        return configs;
    }
}
