package io.eventline.operations;

import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Names of the operation stores, and how they are read. */
public final class OperationStores {
    /**
     * Event ID to the outcome of that write; a terminal outcome is never replaced. A window store, so outcomes
     * leave after {@link #RETENTION} instead of piling up with every write ever made.
     */
    public static final String OUTCOMES = "operations-by-time-store";
    /** As long as {@code operations.outcomes.v1} keeps an outcome. */
    public static final Duration RETENTION = Duration.ofDays(7);
    private static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    private OperationStores() {
    }

    /** The outcome kept for {@code eventId} and the time it is filed under, or null. */
    public static KeyValue<Long, OperationOutcome> outcome(ReadOnlyWindowStore<String, OperationOutcome> store,
                                                           String eventId) {
        try (WindowStoreIterator<OperationOutcome> found = store.fetch(eventId, Instant.EPOCH, FAR_FUTURE)) {
            KeyValue<Long, OperationOutcome> latest = null;
            while (found.hasNext()) {
                latest = found.next();
            }
            return latest;
        }
    }
}
