package io.eventline.ratelimit;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * What a {@link LimitAlgorithm} decided for some hits at some time. Durations are measured from the effective now:
 * the caller's time, or the latest time the state recorded if that is later (clocks of several machines disagree).
 *
 * @param allowed whether the hits were admitted (and counted)
 * @param limit {@code requestsPerUnit}, what {@code X-Ratelimit-Limit} shows
 * @param remaining hits that would still be admitted right now, after this decision; never negative
 * @param resetMillis from now until the limit is whole again (window over, bucket full, queue empty); 0 if it is
 *     whole; always {@code expiresAt - now}
 * @param retryAfterMillis 0 when allowed; otherwise from now until the same hits would be admitted if nothing else
 *     came in, at least 1; hits that can never fit (more than the capacity) get {@code unitMillis}
 * @param delayMillis leaking bucket only: how long the admitted hits wait in the queue before they are released;
 *     0 for every other algorithm and for a rejection
 * @param state the state to store; when nothing was counted (peek, zero hits, a rejection) the state passed in,
 *     untouched, which may be {@code null} or another algorithm's state. Not copied: do not modify it
 * @param expiresAt epoch ms from which the state is equivalent to no state at all, so the caller may delete it
 */
public record Verdict(boolean allowed, long limit, long remaining, long resetMillis, long retryAfterMillis,
                      long delayMillis, byte[] state, long expiresAt) {

    @Override
    public boolean equals(Object other) {
        return other instanceof Verdict that
                && allowed == that.allowed
                && limit == that.limit
                && remaining == that.remaining
                && resetMillis == that.resetMillis
                && retryAfterMillis == that.retryAfterMillis
                && delayMillis == that.delayMillis
                && Arrays.equals(state, that.state)
                && expiresAt == that.expiresAt;
    }

    @Override
    public int hashCode() {
        int hash = Boolean.hashCode(allowed);
        for (final long value : new long[] {limit, remaining, resetMillis, retryAfterMillis, delayMillis, expiresAt}) {
            hash = 31 * hash + Long.hashCode(value);
        }
        return 31 * hash + Arrays.hashCode(state);
    }

    @Override
    public String toString() {
        return "Verdict[allowed=" + allowed + ", limit=" + limit + ", remaining=" + remaining
                + ", resetMillis=" + resetMillis + ", retryAfterMillis=" + retryAfterMillis
                + ", delayMillis=" + delayMillis
                + ", state=" + (state == null ? "null" : HexFormat.of().formatHex(state))
                + ", expiresAt=" + expiresAt + "]";
    }
}
