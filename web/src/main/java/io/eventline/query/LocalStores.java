package io.eventline.query;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * This instance's copy of one partition of the stores, active or (when {@link #stale()}) a standby. Handles are
 * kept for the life of one answer, which may read the same store many times (a feed page: a post per item).
 */
public final class LocalStores {
    private final KafkaStreams streams;
    private final int partition;
    private final boolean stale;
    private final Map<String, Object> handles = new HashMap<>();

    LocalStores(KafkaStreams streams, int partition, boolean stale) {
        this.streams = streams;
        this.partition = partition;
        this.stale = stale;
    }

    @SuppressWarnings("unchecked")
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String name) {
        return (ReadOnlyKeyValueStore<K, V>) handles.computeIfAbsent(name, n -> streams.store(parameters(
                StoreQueryParameters.fromNameAndType(n, QueryableStoreTypes.<K, V>keyValueStore()))));
    }

    @SuppressWarnings("unchecked")
    public <K, V> ReadOnlyWindowStore<K, V> window(String name) {
        return (ReadOnlyWindowStore<K, V>) handles.computeIfAbsent(name, n -> streams.store(parameters(
                StoreQueryParameters.fromNameAndType(n, QueryableStoreTypes.<K, V>windowStore()))));
    }

    /** A global store: every instance holds all of it, so it is read whole, not by partition. */
    @SuppressWarnings("unchecked")
    public <K, V> ReadOnlyKeyValueStore<K, V> globalKeyValue(String name) {
        return (ReadOnlyKeyValueStore<K, V>) handles.computeIfAbsent("global:" + name, n -> streams.store(
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore())));
    }

    /** The partition whose copy this is. */
    public int partition() {
        return partition;
    }

    /** True when the answer comes from a standby replica that may lag the active one. */
    public boolean stale() {
        return stale;
    }

    private <T> StoreQueryParameters<T> parameters(StoreQueryParameters<T> base) {
        final StoreQueryParameters<T> onePartition = base.withPartition(partition);
        return stale ? onePartition.enableStaleStores() : onePartition;
    }
}
