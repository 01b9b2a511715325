package io.eventline.clients;

import io.eventline.topics.KeyPartitioner;
import io.eventline.topics.Topic;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where an event type is written, which of its fields is the record key and, for a topic not partitioned by
 * Kafka's key hashing, how its partition follows from the key: so every producer of the event partitions it the
 * same way.
 *
 * @param partitioner the topic's own partitioning, or null for Kafka's default
 */
public record EventRoute<V extends SpecificRecord>(Topic<V> topic, Function<V, String> key,
                                                   KeyPartitioner partitioner) {

    /** A route partitioned by Kafka's default key hashing. */
    public EventRoute(Topic<V> topic, Function<V, String> key) {
        this(topic, key, null);
    }

    public String keyOf(V event) {
        return key.apply(event);
    }
}
