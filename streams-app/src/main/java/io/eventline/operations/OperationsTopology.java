package io.eventline.operations;

import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import java.time.Duration;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;

/** Materializes every write's outcome by event ID, for {@code GET /api/v1/operations/{eventId}}. */
public final class OperationsTopology {
    private OperationsTopology() {
    }

    /** Outcomes alone, for tests. */
    public static Topology build(OperationsSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(OperationsTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, OperationsSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "operations");
        kit.windowStore(OperationStores.OUTCOMES, settings.retention(), Duration.ofMillis(1),
                serdes.of(OperationOutcome.class), Caching.UNCACHED);
        kit.source(OperationTopics.OUTCOMES)
                .process(OutcomeKeeper::new, Named.as("operations-keep-terminal"), OperationStores.OUTCOMES);
    }
}
