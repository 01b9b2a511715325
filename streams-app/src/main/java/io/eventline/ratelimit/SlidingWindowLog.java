package io.eventline.ratelimit;

import java.nio.ByteBuffer;

/**
 * Sliding window log: the times of the hits admitted within the last unit (a hit at t counts until
 * {@code t + unitMillis}, exclusive); new hits are admitted if the logged ones plus them stay within
 * {@code requestsPerUnit}.
 * Trade-off: exact, no unit-long span ever admits more than the limit, but memory grows with the limit.
 * Unlike the book's version, which logs rejected requests too, only admitted hits are logged, so a rejection changes
 * nothing and the log never holds more than {@code requestsPerUnit} hits.
 *
 * <p>State: tag, the oldest logged time (epoch ms), then per distinct millisecond its offset from that time and its
 * hit count (two ints). Hits of the same millisecond share an entry, so there are at most
 * {@code min(requestsPerUnit, unitMillis)} entries: {@value #HEADER_BYTES} + {@value #ENTRY_BYTES} × entries bytes.
 */
public final class SlidingWindowLog implements LimitAlgorithm {

    static final int HEADER_BYTES = 1 + Long.BYTES;
    static final int ENTRY_BYTES = 2 * Integer.BYTES;

    @Override
    public Verdict decide(byte[] state, long nowMillis, long hits, Limit limit) {
        LimitAlgorithms.requireHits(hits);
        final Log log = Log.read(state, nowMillis, limit);
        if (hits == 0) {
            return verdict(log, limit, 0, state);
        }
        if (hits > limit.requestsPerUnit()) {
            return verdict(log, limit, limit.unitMillis(), state);
        }
        final long excess = log.logged + hits - limit.requestsPerUnit();
        if (excess > 0) {
            return verdict(log, limit, log.freedAt(excess, limit) - log.nowMillis, state);
        }
        final long logged = log.logged + hits;
        return new Verdict(true, limit.requestsPerUnit(), limit.requestsPerUnit() - logged, limit.unitMillis(), 0, 0,
                log.append(hits), log.nowMillis + limit.unitMillis());
    }

    private static Verdict verdict(Log log, Limit limit, long retryAfterMillis, byte[] state) {
        final long expiresAt = log.logged == 0 ? log.nowMillis : log.newest() + limit.unitMillis();
        return new Verdict(retryAfterMillis == 0, limit.requestsPerUnit(),
                Math.max(0, limit.requestsPerUnit() - log.logged), expiresAt - log.nowMillis, retryAfterMillis, 0,
                state, expiresAt);
    }

    /** The stored log at an effective time; entries from {@code first} on are still within the window. */
    private record Log(long nowMillis, long[] times, int[] counts, int first, long logged) {

        static Log read(byte[] state, long nowMillis, Limit limit) {
            final ByteBuffer body =
                    StateCodec.read(state, RateLimitAlgorithm.SLIDING_WINDOW_LOG, HEADER_BYTES - 1, ENTRY_BYTES);
            if (body == null) {
                return new Log(nowMillis, new long[0], new int[0], 0, 0);
            }
            final long base = body.getLong();
            final int entries = body.remaining() / ENTRY_BYTES;
            final long[] times = new long[entries];
            final int[] counts = new int[entries];
            for (int i = 0; i < entries; i++) {
                times[i] = base + body.getInt();
                counts[i] = body.getInt();
            }
            final long now = entries == 0 ? nowMillis : Math.max(nowMillis, times[entries - 1]);
            int first = 0;
            while (first < entries && times[first] + limit.unitMillis() <= now) {
                first++;
            }
            long logged = 0;
            for (int i = first; i < entries; i++) {
                logged += counts[i];
            }
            return new Log(now, times, counts, first, logged);
        }

        long newest() {
            return times[times.length - 1];
        }

        /** When enough of the oldest logged hits will have left the window to make room for {@code excess} more. */
        long freedAt(long excess, Limit limit) {
            long freed = 0;
            int i = first;
            while (freed + counts[i] < excess) {
                freed += counts[i];
                i++;
            }
            return times[i] + limit.unitMillis();
        }

        /** The state with the expired entries dropped and {@code hits} logged at the effective time. */
        byte[] append(long hits) {
            final int live = times.length - first;
            final boolean merge = live > 0 && newest() == nowMillis;
            final long base = live > 0 ? times[first] : nowMillis;
            final ByteBuffer out = StateCodec.write(RateLimitAlgorithm.SLIDING_WINDOW_LOG,
                    HEADER_BYTES - 1 + ENTRY_BYTES * (merge ? live : live + 1));
            out.putLong(base);
            for (int i = first; i < times.length; i++) {
                final long count = merge && i == times.length - 1 ? counts[i] + hits : counts[i];
                out.putInt(Math.toIntExact(times[i] - base)).putInt(Math.toIntExact(count));
            }
            if (!merge) {
                out.putInt(Math.toIntExact(nowMillis - base)).putInt(Math.toIntExact(hits));
            }
            return out.array();
        }
    }
}
