package io.eventline.kv;

/** Names of the key-value store's state stores; the web layer queries them by these constants. */
public final class KvStores {
    /** {@code namespace/key} to the key's value and version. */
    public static final String ENTRIES = "kv-store";
    /** Namespace to its owner, quotas and usage. */
    public static final String NAMESPACES = "kv-namespace-store";
    /** {@code expiresAt(19 digits)/namespace/key}: the keys a TTL removes, oldest first. */
    public static final String EXPIRY = "kv-expiry-store";
    /** One record per partition ({@link #APPLIED_KEY}): how far it has applied {@code kv.writes.v1}. */
    public static final String APPLIED = "kv-applied-store";
    public static final String APPLIED_KEY = "applied";
    /** Every kv store, for the figures of their LSM trees. */
    public static final java.util.List<String> ALL = java.util.List.of(ENTRIES, NAMESPACES, EXPIRY, APPLIED);

    private KvStores() {
    }
}
