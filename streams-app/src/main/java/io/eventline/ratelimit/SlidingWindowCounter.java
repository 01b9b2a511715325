package io.eventline.ratelimit;

import java.nio.ByteBuffer;

/**
 * Sliding window counter: the counts of the current and the previous fixed window; at {@code elapsed} ms into the
 * current window the hits of the last unit are estimated as
 * {@code current + floor(previous × (unitMillis − elapsed) / unitMillis)}, and new hits are admitted if the estimate
 * plus them stays within {@code requestsPerUnit}.
 * Trade-off: O(1) memory and smooths the fixed window's edge bursts, but it is approximate: it assumes the previous
 * window's hits were spread evenly over it, so it can let a few more or fewer through than an exact log.
 *
 * <p>State, {@value #STATE_BYTES} bytes: tag, the current window's start (epoch ms), the previous and current counts,
 * and the offset of the last admission into the window (ints: counts are bounded by
 * {@link Limit#MAX_REQUESTS_PER_UNIT}, offsets by {@link Limit#MAX_UNIT_MILLIS}).
 */
public final class SlidingWindowCounter implements LimitAlgorithm {

    static final int STATE_BYTES = 1 + Long.BYTES + 3 * Integer.BYTES;

    @Override
    public Verdict decide(byte[] state, long nowMillis, long hits, Limit limit) {
        LimitAlgorithms.requireHits(hits);
        final Windows windows = Windows.read(state, nowMillis, limit);
        if (hits == 0) {
            return verdict(windows, limit, 0, state);
        }
        if (hits > limit.requestsPerUnit()) {
            return verdict(windows, limit, limit.unitMillis(), state);
        }
        if (windows.estimate(limit) + hits > limit.requestsPerUnit()) {
            return verdict(windows, limit, windows.fitsAt(hits, limit) - windows.nowMillis, state);
        }
        final Windows after =
                new Windows(windows.nowMillis, windows.startMillis, windows.previous, windows.current + hits);
        return verdict(after, limit, 0, after.write());
    }

    private static Verdict verdict(Windows windows, Limit limit, long retryAfterMillis, byte[] state) {
        final long expiresAt = windows.expiresAt(limit);
        return new Verdict(retryAfterMillis == 0, limit.requestsPerUnit(),
                Math.max(0, limit.requestsPerUnit() - windows.estimate(limit)), expiresAt - windows.nowMillis,
                retryAfterMillis, 0, state, expiresAt);
    }

    /**
     * The first offset into a window, in [0, unitMillis], at which {@code floor(count × (unitMillis − offset) /
     * unitMillis)} is at most {@code allowance} (>= 0); unitMillis means not before the window ends.
     */
    static long firstFit(long count, long allowance, long unitMillis) {
        if (count == 0) {
            return 0;
        }
        // floor(count × span / unit) <= allowance  <=>  count × span <= (allowance + 1) × unit − 1
        final long longestSpan = ((allowance + 1) * unitMillis - 1) / count;
        return Math.max(0, unitMillis - longestSpan);
    }

    /** The counts around an effective time, the windows rolled forward to it. */
    private record Windows(long nowMillis, long startMillis, long previous, long current) {

        static Windows read(byte[] state, long nowMillis, Limit limit) {
            final ByteBuffer body =
                    StateCodec.read(state, RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, STATE_BYTES - 1);
            if (body == null) {
                return new Windows(nowMillis, startOf(nowMillis, limit), 0, 0);
            }
            final long storedStart = body.getLong();
            final long previous = body.getInt();
            final long current = body.getInt();
            final long now = Math.max(nowMillis, storedStart + body.getInt());
            final long start = startOf(now, limit);
            if (start == storedStart) {
                return new Windows(now, start, previous, current);
            }
            return new Windows(now, start, start == storedStart + limit.unitMillis() ? current : 0, 0);
        }

        private static long startOf(long nowMillis, Limit limit) {
            return Math.floorDiv(nowMillis, limit.unitMillis()) * limit.unitMillis();
        }

        long estimate(Limit limit) {
            final long elapsed = nowMillis - startMillis;
            return current + previous * (limit.unitMillis() - elapsed) / limit.unitMillis();
        }

        /** When {@code hits} (at most the limit) would be admitted if nothing else came in. */
        long fitsAt(long hits, Limit limit) {
            final long unit = limit.unitMillis();
            final long allowance = limit.requestsPerUnit() - hits - current;
            if (allowance >= 0) {
                final long offset = firstFit(previous, allowance, unit);
                if (offset < unit) {
                    return startMillis + offset;
                }
            }
            // in the next window the current count becomes the previous one
            return startMillis + unit + firstFit(current, limit.requestsPerUnit() - hits, unit);
        }

        /** When neither count weighs on the estimate any more, which is when the state equals no state. */
        long expiresAt(Limit limit) {
            final long unit = limit.unitMillis();
            if (current > 0) {
                return startMillis + unit + firstFit(current, 0, unit);
            }
            if (previous > 0) {
                return Math.max(nowMillis, startMillis + firstFit(previous, 0, unit));
            }
            return nowMillis;
        }

        byte[] write() {
            return StateCodec.write(RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, STATE_BYTES - 1)
                    .putLong(startMillis).putInt(Math.toIntExact(previous)).putInt(Math.toIntExact(current))
                    .putInt(Math.toIntExact(nowMillis - startMillis)).array();
        }
    }
}
