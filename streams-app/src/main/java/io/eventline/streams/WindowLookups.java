package io.eventline.streams;

import java.time.Instant;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Point lookups in window stores that keep one entry per key for a retention (statuses, outcomes, assignments):
 * the store's windows exist only so that entries leave once they are older than the retention.
 */
public final class WindowLookups {
    private static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    private WindowLookups() {
    }

    /** The newest entry of {@code key} and the time it is filed under, or null. */
    public static <K, V> KeyValue<Long, V> latest(ReadOnlyWindowStore<K, V> store, K key) {
        try (WindowStoreIterator<V> found = store.fetch(key, Instant.EPOCH, FAR_FUTURE)) {
            KeyValue<Long, V> latest = null;
            while (found.hasNext()) {
                latest = found.next();
            }
            return latest;
        }
    }

    /** Until when a lookup of every window reaches. */
    public static Instant farFuture() {
        return FAR_FUTURE;
    }
}
