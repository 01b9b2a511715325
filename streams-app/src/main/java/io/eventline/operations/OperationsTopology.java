package io.eventline.operations;

import io.eventline.serde.EventSerdes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/** Materializes every write's outcome by event ID, for {@code GET /api/v1/operations/{eventId}}. */
public final class OperationsTopology {
    private OperationsTopology() {
    }

    public static void addTo(StreamsBuilder builder, EventSerdes serdes) {
        final var outcomeSerde = serdes.of(OperationOutcome.class);
        builder.stream(OperationTopics.OUTCOMES.name(), Consumed.with(Serdes.String(), outcomeSerde)
                        .withName("operations-outcomes"))
                .groupByKey(Grouped.<String, OperationOutcome>as("operations-by-event").withKeySerde(Serdes.String())
                        .withValueSerde(outcomeSerde))
                // a late "pending" marker must not hide the outcome that already arrived
                .reduce((current, next) -> Outcomes.isTerminal(current) ? current : next,
                        Named.as("operations-keep-terminal"),
                        Materialized.<String, OperationOutcome, KeyValueStore<Bytes, byte[]>>as(OperationStores.OUTCOMES)
                                .withKeySerde(Serdes.String()).withValueSerde(outcomeSerde));
    }
}
