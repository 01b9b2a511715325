package io.eventline.kv;

import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The stores of one kv partition, as both its writers change them: the writes accepted here and the changes merged
 * from other data centres. Whatever versions a key ends up with, its namespace's usage and the TTL index follow.
 */
final class KvState {
    final KeyValueStore<String, KvEntry> entries;
    final KeyValueStore<String, KvNamespace> namespaces;
    final KeyValueStore<String, String> expiry;

    KvState(ProcessorContext<?, ?> context) {
        this.entries = context.getStateStore(KvStores.ENTRIES);
        this.namespaces = context.getStateStore(KvStores.NAMESPACES);
        this.expiry = context.getStateStore(KvStores.EXPIRY);
    }

    /**
     * Sets the versions of {@code storeKey} to {@code versions} (none: removes the key), given what it held
     * ({@code current}, null for nothing), and moves the usage of {@code namespace} (null: not counted) by the
     * difference.
     *
     * @return the namespace with its new usage, or null when none was given
     */
    KvNamespace store(String storeKey, KvEntry current, List<KvSibling> versions, KvNamespace namespace) {
        final String key = KvNames.keyOf(storeKey);
        final long oldSize = current == null ? 0 : KvSiblings.sizeOf(key, KvSiblings.of(current));
        final long newSize = KvSiblings.sizeOf(key, versions);
        final long keyDelta = (versions.isEmpty() ? 0 : 1) - (current == null ? 0 : 1);
        if (versions.isEmpty()) {
            entries.delete(storeKey);
        } else {
            entries.put(storeKey, KvSiblings.entryOf(versions));
            for (KvSibling version : versions) {
                if (version.getExpiresAt() != null) {
                    expiry.put(expiryKey(version.getExpiresAt(), storeKey), version.getEventId());
                }
            }
        }
        if (namespace == null) {
            return null;
        }
        final KvNamespace counted = KvNamespace.newBuilder(namespace)
                .setKeys(Math.max(0, namespace.getKeys() + keyDelta))
                .setBytes(Math.max(0, namespace.getBytes() - oldSize + newSize))
                .build();
        namespaces.put(namespace.getNamespace(), counted);
        return counted;
    }

    /** Removes a namespace and every key in it. */
    void removeNamespace(String name) {
        final List<String> keys = new java.util.ArrayList<>();
        try (var all = entries.prefixScan(KvNames.storePrefix(name, ""),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        keys.forEach(entries::delete);
        namespaces.delete(name);
    }

    static String expiryKey(Instant expiresAt, String storeKey) {
        return String.format("%019d/%s", expiresAt.toEpochMilli(), storeKey);
    }
}
