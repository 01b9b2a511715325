package io.eventline.ops;

import io.eventline.query.LocalStores;

/**
 * Where a key stands now in one store, told by the instance that owns the key's partition of it.
 *
 * @param kind        the kind of key
 * @param application the streams application whose task keeps the store
 * @param store       the store's name, whose partition of the key is read
 * @param reader      reads it from the owner's stores
 */
public record KeyedState(KeyKind kind, KeyedStore.Application application, String store, Reader reader) {

    /** Tells, from the stores of the partition that holds the (canonical) key, where it stands; null for nothing. */
    @FunctionalInterface
    public interface Reader {
        String summary(LocalStores stores, String key);
    }
}
