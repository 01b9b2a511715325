package io.eventline.producers;

import io.eventline.topics.Topic;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where an event type is written and which of its fields is the record key, so every producer of the
 * event partitions it the same way.
 */
public record EventRoute<V extends SpecificRecord>(Topic<V> topic, Function<V, String> key) {

    public String keyOf(V event) {
        return key.apply(event);
    }
}
