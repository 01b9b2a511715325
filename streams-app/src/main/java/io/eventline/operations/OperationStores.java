package io.eventline.operations;

import io.eventline.streams.WindowLookups;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** Names of the operation stores, and how they are read. */
public final class OperationStores {
    /**
     * Event ID to the outcome of that write; a terminal outcome is never replaced. A window store, so outcomes
     * leave after {@link #RETENTION} instead of piling up with every write ever made.
     */
    public static final String OUTCOMES = "operations-by-time-store";
    /** As long as {@code operations.outcomes.v1} keeps an outcome. */
    public static final Duration RETENTION = Duration.ofDays(7);

    private OperationStores() {
    }

    /** The outcome kept for {@code eventId} and the time it is filed under, or null. */
    public static KeyValue<Long, OperationOutcome> outcome(ReadOnlyWindowStore<String, OperationOutcome> store,
                                                           String eventId) {
        return WindowLookups.latest(store, eventId);
    }
}
