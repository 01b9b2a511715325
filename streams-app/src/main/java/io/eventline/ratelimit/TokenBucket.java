package io.eventline.ratelimit;

import static io.eventline.ratelimit.LimitAlgorithms.ceilDiv;

import java.nio.ByteBuffer;

/**
 * Token bucket: a bucket of {@code burst} tokens, refilled continuously at {@code requestsPerUnit} per unit; each hit
 * takes a token and a hit that finds none is rejected.
 * Trade-off: lets a burst of up to {@code burst} through at once, then holds the long-run rate to the limit, in O(1)
 * memory; two parameters (rate and capacity) to tune.
 *
 * <p>State, {@value #STATE_BYTES} bytes: tag, the time of the last admission (epoch ms) and the tokens left then, in
 * token-milliseconds (a token is {@code unitMillis} of them, so the refill of {@code requestsPerUnit} per millisecond
 * stays integral).
 */
public final class TokenBucket implements LimitAlgorithm {

    static final int STATE_BYTES = 1 + 2 * Long.BYTES;

    @Override
    public Verdict decide(byte[] state, long nowMillis, long hits, Limit limit) {
        LimitAlgorithms.requireHits(hits);
        final Bucket bucket = Bucket.read(state, nowMillis, limit);
        if (hits == 0) {
            return verdict(bucket, limit, 0, state);
        }
        if (hits > limit.burst()) {
            return verdict(bucket, limit, limit.unitMillis(), state);
        }
        final long needed = hits * limit.unitMillis();
        if (bucket.tokenMillis < needed) {
            return verdict(bucket, limit, ceilDiv(needed - bucket.tokenMillis, limit.requestsPerUnit()), state);
        }
        final Bucket after = new Bucket(bucket.nowMillis, bucket.tokenMillis - needed);
        return verdict(after, limit, 0, after.write());
    }

    private static Verdict verdict(Bucket bucket, Limit limit, long retryAfterMillis, byte[] state) {
        final long capacity = limit.burst() * limit.unitMillis();
        final long resetMillis = ceilDiv(capacity - bucket.tokenMillis, limit.requestsPerUnit());
        return new Verdict(retryAfterMillis == 0, limit.requestsPerUnit(), bucket.tokenMillis / limit.unitMillis(),
                resetMillis, retryAfterMillis, 0, state, bucket.nowMillis + resetMillis);
    }

    /** The bucket at an effective time, refilled up to it. */
    private record Bucket(long nowMillis, long tokenMillis) {

        static Bucket read(byte[] state, long nowMillis, Limit limit) {
            final long capacity = limit.burst() * limit.unitMillis();
            final ByteBuffer body = StateCodec.read(state, RateLimitAlgorithm.TOKEN_BUCKET, STATE_BYTES - 1);
            if (body == null) {
                return new Bucket(nowMillis, capacity);
            }
            final long lastMillis = body.getLong();
            // a changed rule may have left more tokens than the bucket now holds
            final long tokenMillis = Math.min(Math.max(0, body.getLong()), capacity);
            final long now = Math.max(nowMillis, lastMillis);
            // bounding the elapsed time by the time to fill up keeps the product within a long
            final long untilFull = ceilDiv(capacity - tokenMillis, limit.requestsPerUnit());
            final long refill = Math.min(now - lastMillis, untilFull) * limit.requestsPerUnit();
            return new Bucket(now, Math.min(capacity, tokenMillis + refill));
        }

        byte[] write() {
            return StateCodec.write(RateLimitAlgorithm.TOKEN_BUCKET, STATE_BYTES - 1)
                    .putLong(nowMillis).putLong(tokenMillis).array();
        }
    }
}
