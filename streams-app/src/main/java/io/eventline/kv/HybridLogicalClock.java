package io.eventline.kv;

/**
 * A hybrid logical clock: milliseconds of wall time in the high bits, a counter in the low 16. It never goes back,
 * also across a restart (it resumes from the last time it gave out) or a wall clock stepped back, and stays within a
 * counter's reach of wall time, so of two concurrent writes the later by it is the one written later, as far as
 * the data centres' clocks agree. Writes that saw each other are ordered by their version vectors instead.
 */
final class HybridLogicalClock {
    static final int COUNTER_BITS = 16;

    private long last;

    /** @param last the last time this clock gave out (0 for none), e.g. as kept beside the partition's offset */
    HybridLogicalClock(long last) {
        this.last = last;
    }

    /** The time of a write made here at wall time {@code nowMs}. */
    long tick(long nowMs) {
        last = Math.max(last + 1, nowMs << COUNTER_BITS);
        return last;
    }

    long last() {
        return last;
    }
}
