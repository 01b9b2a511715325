package io.eventline.ids;

/**
 * Thrown by {@link SnowflakeIdGenerator#nextId()} when the clock is further behind the last issued timestamp than
 * the generator is willing to wait: issuing an ID now could repeat one already given out.
 */
public final class ClockMovedBackwardsException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final long behindMillis;

    public ClockMovedBackwardsException(long behindMillis, long maxWaitMillis) {
        super("Clock moved backwards by " + behindMillis + " ms, more than the " + maxWaitMillis
                + " ms the ID generator waits out; refusing to issue IDs until the clock is corrected");
        this.behindMillis = behindMillis;
    }

    /** How far the clock was behind the last issued timestamp, in milliseconds. */
    public long behindMillis() {
        return behindMillis;
    }
}
