package io.eventline.kv;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Conditions and expiry of a put. {@code KvPutOptions.none().ttl(Duration.ofMinutes(5)).ifMatch(etag)}, or
 * {@code KvPutOptions.none().onlyIfAbsent()}.
 *
 * @param ttl        how long the value lives, sent in whole seconds (rounded up); absent: until deleted
 * @param ifMatch    replace only the value with this ETag (else {@link KvConflictException})
 * @param createOnly write only if the key holds no value (else {@link KvConflictException})
 */
public record KvPutOptions(Optional<Duration> ttl, Optional<String> ifMatch, boolean createOnly) {
    public KvPutOptions {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(ifMatch, "ifMatch");
        ttl.ifPresent(t -> {
            if (t.isNegative() || t.isZero()) {
                throw new IllegalArgumentException("ttl must be positive, got " + t);
            }
        });
        if (createOnly && ifMatch.isPresent()) {
            throw new IllegalArgumentException("createOnly and ifMatch exclude each other");
        }
    }

    /** An unconditional put that never expires. */
    public static KvPutOptions none() {
        return new KvPutOptions(Optional.empty(), Optional.empty(), false);
    }

    /** These options with the value expiring {@code duration} after the write. */
    public KvPutOptions ttl(Duration duration) {
        return new KvPutOptions(Optional.of(duration), ifMatch, createOnly);
    }

    /** These options replacing only the value whose ETag is {@code etag}. */
    public KvPutOptions ifMatch(String etag) {
        return new KvPutOptions(ttl, Optional.of(etag), createOnly);
    }

    /** These options writing only when the key holds no value. */
    public KvPutOptions onlyIfAbsent() {
        return new KvPutOptions(ttl, ifMatch, true);
    }

    /** The TTL in whole seconds, rounded up so that a value never expires before its TTL. */
    Optional<Long> ttlSeconds() {
        return ttl.map(t -> t.getNano() == 0 ? t.getSeconds() : t.getSeconds() + 1);
    }
}
