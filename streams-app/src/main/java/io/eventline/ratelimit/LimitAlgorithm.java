package io.eventline.ratelimit;

/**
 * One rate-limiting algorithm: a pure function from (state, time, hits, limit) to a {@link Verdict} that carries the
 * new state. Implementations keep no state of their own and use integer arithmetic only, so replaying the same
 * inputs gives the same verdicts on any machine.
 */
public interface LimitAlgorithm {

    /**
     * Counts {@code hits} at {@code nowMillis} against {@code state} ({@code null} = none yet) and decides.
     * Deterministic: same inputs, same verdict. Zero hits are always allowed and change nothing; a rejection counts
     * nothing.
     *
     * @throws IllegalArgumentException if {@code hits} is negative
     */
    Verdict decide(byte[] state, long nowMillis, long hits, Limit limit);

    /** The current standing without counting anything (what a status page shows); = decide with 0 hits. */
    default Verdict peek(byte[] state, long nowMillis, Limit limit) {
        return decide(state, nowMillis, 0, limit);
    }
}
