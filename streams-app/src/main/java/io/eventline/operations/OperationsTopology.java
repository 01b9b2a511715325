package io.eventline.operations;

import io.eventline.serde.EventSerdes;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** Materializes every write's outcome by event ID, for {@code GET /api/v1/operations/{eventId}}. */
public final class OperationsTopology {
    private OperationsTopology() {
    }

    public static void addTo(StreamsBuilder builder, EventSerdes serdes) {
        final var outcomeSerde = serdes.of(OperationOutcome.class);
        // not cached: a cached window store keeps serving an entry past its retention until the cache evicts it
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(OperationStores.OUTCOMES,
                OperationStores.RETENTION, Duration.ofMillis(1), false), Serdes.String(), outcomeSerde));
        builder.stream(OperationTopics.OUTCOMES.name(), Consumed.with(Serdes.String(), outcomeSerde)
                        .withName("operations-outcomes"))
                .process(OutcomeKeeper::new, Named.as("operations-keep-terminal"), OperationStores.OUTCOMES);
    }
}
