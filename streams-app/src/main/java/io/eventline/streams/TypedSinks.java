package io.eventline.streams;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OutcomeStreamPartitioner;
import io.eventline.serde.EventSerdes;
import io.eventline.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Sends a step's outputs, of several event types, each to the topic of its type, partitioned as that topic is:
 * outcomes by {@link OutcomeStreamPartitioner}, every other topic by its key's hash.
 */
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
        return producedAs(topic, serdes, prefix + topic.name().replace('.', '-') + "-sink");
    }

    /** How a step writes {@code topic}, its sink node named {@code sinkName}. */
    public static <V extends SpecificRecord> Produced<String, V> producedAs(Topic<V> topic, EventSerdes serdes,
                                                                           String sinkName) {
        final Produced<String, V> produced = Produced.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(sinkName);
        // the instance awaiting an outcome reads only its own partition of the outcomes
        return OperationTopics.OUTCOMES.equals(topic) ? produced.withStreamPartitioner(new OutcomeStreamPartitioner())
                : produced;
    }

    /** How a step writes outcomes, its sink node named {@code sinkName}. */
    public static Produced<String, OperationOutcome> outcomes(EventSerdes serdes, String sinkName) {
        return producedAs(OperationTopics.OUTCOMES, serdes, sinkName);
    }
}
