package io.eventline.producers.load;

import java.time.Duration;

/**
 * When each request of an open-loop run is meant to be sent: request {@code i} at {@code i / rate} seconds after
 * the start, whatever happened to earlier ones. Latency is measured from that intended time, so a stall in the
 * server (or in the sender) shows up in the latency of every request it delayed, not just the one it hit.
 * Requests meant for the warm-up are sent but not measured.
 */
public final class FixedRateSchedule {
    /** Beyond this one sender thread could not keep the schedule anyway. */
    public static final double MAX_RATE = 1_000_000;

    private static final double NANOS_PER_SECOND = 1e9;

    private final double ratePerSecond;
    private final long warmupNanos;
    private final long durationNanos;
    private final long total;

    public FixedRateSchedule(double ratePerSecond, Duration warmup, Duration duration) {
        if (!(ratePerSecond > 0 && ratePerSecond <= MAX_RATE)) {
            throw new IllegalArgumentException("rate must be above 0 and at most " + (long) MAX_RATE
                    + " per second, got " + ratePerSecond);
        }
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("warm-up must not be negative, got " + warmup);
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + duration);
        }
        this.ratePerSecond = ratePerSecond;
        this.warmupNanos = warmup.toNanos();
        this.durationNanos = duration.toNanos();
        // the epsilon keeps e.g. 0.1/s for 30 s at 3 requests, not 2.9999... floored to 2
        this.total = (long) Math.floor((warmupNanos + durationNanos) / NANOS_PER_SECOND * ratePerSecond + 1e-6);
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** How many requests the run sends, warm-up included. */
    public long total() {
        return total;
    }

    /** How many of them are measured. */
    public long measuredCount() {
        return total - firstMeasured();
    }

    /** When request {@code index} is meant to be sent, in nanoseconds after the start. */
    public long offsetNanos(long index) {
        if (index < 0 || index >= total) {
            throw new IndexOutOfBoundsException("request " + index + " of " + total);
        }
        return (long) (index * NANOS_PER_SECOND / ratePerSecond);
    }

    /** Whether request {@code index} falls after the warm-up and so counts in the results. */
    public boolean isMeasured(long index) {
        return offsetNanos(index) >= warmupNanos;
    }

    /** Nanoseconds from the start to the end of the warm-up. */
    public long warmupNanos() {
        return warmupNanos;
    }

    /** Nanoseconds from the start to the end of the run. */
    public long endNanos() {
        return warmupNanos + durationNanos;
    }

    private long firstMeasured() {
        final long first = (long) Math.ceil(warmupNanos / NANOS_PER_SECOND * ratePerSecond);
        // rounding in either formula may put the boundary one off; the offset decides
        long index = Math.max(0, first - 1);
        while (index < total && offsetNanos(index) < warmupNanos) {
            index++;
        }
        return index;
    }
}
