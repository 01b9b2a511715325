package io.eventline.ratelimit;

import java.nio.ByteBuffer;

/**
 * Fixed window counter: time cut into windows of {@code unitMillis} aligned to the epoch, at most
 * {@code requestsPerUnit} hits counted per window.
 * Trade-off: O(1) memory and trivially cheap, but a burst at the edge of two windows lets up to twice the limit
 * through within one unit.
 *
 * <p>State, {@value #STATE_BYTES} bytes: tag, the window's start (epoch ms) and its count (an int: a count never
 * exceeds {@link Limit#MAX_REQUESTS_PER_UNIT}).
 */
public final class FixedWindowCounter implements LimitAlgorithm {

    static final int STATE_BYTES = 1 + Long.BYTES + Integer.BYTES;

    @Override
    public Verdict decide(byte[] state, long nowMillis, long hits, Limit limit) {
        LimitAlgorithms.requireHits(hits);
        final Window window = Window.read(state, nowMillis, limit);
        if (hits == 0) {
            return verdict(window, limit, 0, state);
        }
        if (hits > limit.requestsPerUnit()) {
            return verdict(window, limit, limit.unitMillis(), state);
        }
        if (window.count + hits > limit.requestsPerUnit()) {
            return verdict(window, limit, window.endMillis(limit) - window.nowMillis, state);
        }
        final Window after = new Window(window.nowMillis, window.startMillis, window.count + hits);
        return verdict(after, limit, 0, after.write());
    }

    private static Verdict verdict(Window window, Limit limit, long retryAfterMillis, byte[] state) {
        final long expiresAt = window.count == 0 ? window.nowMillis : window.endMillis(limit);
        return new Verdict(retryAfterMillis == 0, limit.requestsPerUnit(),
                Math.max(0, limit.requestsPerUnit() - window.count), expiresAt - window.nowMillis, retryAfterMillis,
                0, state, expiresAt);
    }

    /** The window containing an effective time. */
    private record Window(long nowMillis, long startMillis, long count) {

        static Window read(byte[] state, long nowMillis, Limit limit) {
            final ByteBuffer body = StateCodec.read(state, RateLimitAlgorithm.FIXED_WINDOW, STATE_BYTES - 1);
            if (body == null) {
                return new Window(nowMillis, startOf(nowMillis, limit), 0);
            }
            final long storedStart = body.getLong();
            final long now = Math.max(nowMillis, storedStart);
            final long start = startOf(now, limit);
            return new Window(now, start, start == storedStart ? body.getInt() : 0);
        }

        private static long startOf(long nowMillis, Limit limit) {
            return Math.floorDiv(nowMillis, limit.unitMillis()) * limit.unitMillis();
        }

        long endMillis(Limit limit) {
            return startMillis + limit.unitMillis();
        }

        byte[] write() {
            return StateCodec.write(RateLimitAlgorithm.FIXED_WINDOW, STATE_BYTES - 1)
                    .putLong(startMillis).putInt(Math.toIntExact(count)).array();
        }
    }
}
