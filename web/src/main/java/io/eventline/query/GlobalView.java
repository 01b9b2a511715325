package io.eventline.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** This instance's copy of a global store, which every instance holds whole: read locally, never routed. */
public final class GlobalView<V> {
    private final KafkaStreams streams;
    private final String storeName;
    private volatile ReadOnlyKeyValueStore<String, V> store;

    public GlobalView(KafkaStreams streams, String storeName) {
        this.streams = streams;
        this.storeName = storeName;
    }

    /** The value of {@code key}, or null when there is none or the store cannot be read yet. */
    public V get(String key) {
        try {
            return store().get(key);
        } catch (InvalidStateStoreException e) {
            store = null;
            return null;
        }
    }

    /**
     * Waits until this instance's copy holds a value of {@code key} that satisfies {@code reached}, e.g. a version
     * just written, so the next request here sees it; false if it did not within {@code timeout}.
     */
    public boolean await(String key, Predicate<V> reached, Duration timeout) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            final V seen = get(key);
            if (seen != null && reached.test(seen)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }

    /** Every value, in key order. */
    public List<V> all() {
        final List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store().all()) {
            all.forEachRemaining(entry -> values.add(entry.value));
        }
        return values;
    }

    private ReadOnlyKeyValueStore<String, V> store() {
        ReadOnlyKeyValueStore<String, V> current = store;
        if (current == null) {
            current = streams.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.keyValueStore()));
            store = current;
        }
        return current;
    }
}
