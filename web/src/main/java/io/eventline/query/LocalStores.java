package io.eventline.query;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** This instance's copy of one partition of the stores, active or (when {@link #stale()}) a standby. */
public final class LocalStores {
    private final KafkaStreams streams;
    private final int partition;
    private final boolean stale;

    LocalStores(KafkaStreams streams, int partition, boolean stale) {
        this.streams = streams;
        this.partition = partition;
        this.stale = stale;
    }

    public <K, V> ReadOnlyKeyValueStore<K, V> keyValue(String name) {
        return streams.store(parameters(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<K, V>keyValueStore())));
    }

    public <K, V> ReadOnlyWindowStore<K, V> window(String name) {
        return streams.store(parameters(StoreQueryParameters.fromNameAndType(name,
                QueryableStoreTypes.<K, V>windowStore())));
    }

    /** A global store: every instance holds all of it, so it is read whole, not by partition. */
    public <K, V> ReadOnlyKeyValueStore<K, V> globalKeyValue(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<K, V>keyValueStore()));
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
