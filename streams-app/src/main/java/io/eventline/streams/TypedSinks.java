package io.eventline.streams;

import io.eventline.serde.EventSerdes;
import io.eventline.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/** Sends a step's outputs, of several event types, each to the topic of its type. */
public final class TypedSinks {
    private TypedSinks() {
    }

    /** Routes the values of {@code type} in {@code split} to {@code topic}; {@code prefix} names the nodes. */
    public static <V extends SpecificRecord> void sink(BranchedKStream<String, Object> split, String prefix,
                                                       String name, Class<V> type, Topic<V> topic,
                                                       EventSerdes serdes) {
        split.branch((key, value) -> type.isInstance(value), Branched.withConsumer(stream -> stream
                .mapValues(type::cast, Named.as(prefix + name + "-cast"))
                .to(topic.name(), produced(topic, serdes, prefix)), name));
    }

    /** How a step writes {@code topic}, its sink node named after the topic. */
    public static <V extends SpecificRecord> Produced<String, V> produced(Topic<V> topic, EventSerdes serdes,
                                                                         String prefix) {
        return Produced.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(prefix + topic.name().replace('.', '-') + "-sink");
    }
}
