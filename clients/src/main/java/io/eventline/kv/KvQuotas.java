package io.eventline.kv;

import java.util.OptionalLong;

/**
 * The quotas asked for a namespace; an absent quota is left at the server's default. Quotas above the defaults
 * need an admin token.
 *
 * @param maxKeys  how many keys the namespace may hold, when given
 * @param maxBytes how many bytes its values may take in all, when given
 */
public record KvQuotas(OptionalLong maxKeys, OptionalLong maxBytes) {
    public KvQuotas {
        requirePositive(maxKeys, "maxKeys");
        requirePositive(maxBytes, "maxBytes");
    }

    /** The server's default quotas. */
    public static KvQuotas defaults() {
        return new KvQuotas(OptionalLong.empty(), OptionalLong.empty());
    }

    /** Both quotas. */
    public static KvQuotas of(long maxKeys, long maxBytes) {
        return new KvQuotas(OptionalLong.of(maxKeys), OptionalLong.of(maxBytes));
    }

    /** These quotas with {@code maxKeys} instead. */
    public KvQuotas withMaxKeys(long keys) {
        return new KvQuotas(OptionalLong.of(keys), maxBytes);
    }

    /** These quotas with {@code maxBytes} instead. */
    public KvQuotas withMaxBytes(long bytes) {
        return new KvQuotas(maxKeys, OptionalLong.of(bytes));
    }

    private static void requirePositive(OptionalLong quota, String name) {
        if (quota == null) {
            throw new IllegalArgumentException(name + " must not be null; use OptionalLong.empty()");
        }
        if (quota.isPresent() && quota.getAsLong() <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + quota.getAsLong());
        }
    }
}
