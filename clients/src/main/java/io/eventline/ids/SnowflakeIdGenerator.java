package io.eventline.ids;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Generates 64-bit, roughly time-ordered, unique IDs without coordination (Twitter's Snowflake layout):
 *
 * <pre>
 *  bit 63   62 ........................ 22   21 ... 17   16 ... 12   11 ........ 0
 *  +-----+---------------------------------+-----------+-----------+--------------+
 *  |  0  | milliseconds since EPOCH (41)   | datacenter|  worker   | sequence (12)|
 *  +-----+---------------------------------+-----------+-----------+--------------+
 * </pre>
 *
 * <p>IDs are unique as long as no two live generators share a (datacenter, worker) pair; in the streams app a
 * worker-ID lease enforces that. One generator issues at most {@value #MAX_SEQUENCE} + 1 IDs per millisecond;
 * past that {@link #nextId()} waits for the next millisecond. IDs from one generator strictly increase.
 *
 * <p>If the clock steps back, the generator waits until it has caught up with the last timestamp issued, so no
 * ID is ever reused; if it stepped back by more than the configured bound the call fails with
 * {@link ClockMovedBackwardsException} instead of stalling.
 *
 * <p>In JSON, IDs travel as strings ({@link #toString(long)}), since they exceed the 53 bits JavaScript numbers
 * hold exactly. Instances are thread-safe and lock-free.
 */
public final class SnowflakeIdGenerator {

    /** The custom epoch, 2024-01-01T00:00:00Z, in Unix milliseconds; 41 bits of milliseconds last until 2093. */
    public static final long EPOCH_MILLIS = 1_704_067_200_000L;
    /** {@link #EPOCH_MILLIS} as an instant. */
    public static final Instant EPOCH = Instant.ofEpochMilli(EPOCH_MILLIS);

    public static final int TIMESTAMP_BITS = SnowflakeLayout.TIMESTAMP_BITS;
    public static final int DATACENTER_BITS = SnowflakeLayout.DATACENTER_BITS;
    public static final int WORKER_BITS = SnowflakeLayout.WORKER_BITS;
    public static final int SEQUENCE_BITS = SnowflakeLayout.SEQUENCE_BITS;

    public static final int MAX_DATACENTER_ID = SnowflakeLayout.MAX_DATACENTER_ID;
    public static final int MAX_WORKER_ID = SnowflakeLayout.MAX_WORKER_ID;
    public static final int MAX_SEQUENCE = SnowflakeLayout.MAX_SEQUENCE;
    public static final long MAX_TIMESTAMP = SnowflakeLayout.MAX_TIMESTAMP;

    /** How far back the clock may step before {@link #nextId()} fails rather than waits. */
    public static final Duration DEFAULT_MAX_BACKWARD_WAIT = Duration.ofSeconds(5);

    private static final int WORKER_SHIFT = SEQUENCE_BITS;
    private static final int DATACENTER_SHIFT = SEQUENCE_BITS + WORKER_BITS;
    private static final int TIMESTAMP_SHIFT = SEQUENCE_BITS + WORKER_BITS + DATACENTER_BITS;
    private static final long SEQUENCE_MASK = MAX_SEQUENCE;

    private final int datacenterId;
    private final int workerId;
    private final long nodeBits;
    private final InstantSource clock;
    private final long maxBackwardWaitMillis;
    private final BooleanSupplier mayIssue;

    /** The last issued (timestamp &lt;&lt; SEQUENCE_BITS | sequence); one word so a single CAS claims an ID. */
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /** A generator on the system clock with {@link #DEFAULT_MAX_BACKWARD_WAIT}. */
    public SnowflakeIdGenerator(int datacenterId, int workerId) {
        this(datacenterId, workerId, InstantSource.system());
    }

    /** A generator on the given clock with {@link #DEFAULT_MAX_BACKWARD_WAIT}. */
    public SnowflakeIdGenerator(int datacenterId, int workerId, InstantSource clock) {
        this(datacenterId, workerId, clock, DEFAULT_MAX_BACKWARD_WAIT);
    }

    /**
     * @param datacenterId    0..{@value #MAX_DATACENTER_ID}
     * @param workerId        0..{@value #MAX_WORKER_ID}, unique among live generators of the datacenter
     * @param clock           the time source; only {@link InstantSource#millis()} is used
     * @param maxBackwardWait how far the clock may step back and be waited out; zero fails on any step back
     * @throws IllegalArgumentException if an ID is out of range or the bound is negative
     */
    public SnowflakeIdGenerator(int datacenterId, int workerId, InstantSource clock, Duration maxBackwardWait) {
        this(datacenterId, workerId, clock, maxBackwardWait, () -> true);
    }

    /**
     * As {@link #SnowflakeIdGenerator(int, int, InstantSource, Duration)}, issuing IDs only while {@code mayIssue}
     * says so, e.g. while the instance holds the lease on its worker ID; otherwise {@link #nextId()} throws
     * {@link IdsUnavailableException}.
     */
    public SnowflakeIdGenerator(int datacenterId, int workerId, InstantSource clock, Duration maxBackwardWait,
                                BooleanSupplier mayIssue) {
        if (datacenterId < 0 || datacenterId > MAX_DATACENTER_ID) {
            throw new IllegalArgumentException("datacenterId must be 0.." + MAX_DATACENTER_ID + ", got "
                    + datacenterId);
        }
        if (workerId < 0 || workerId > MAX_WORKER_ID) {
            throw new IllegalArgumentException("workerId must be 0.." + MAX_WORKER_ID + ", got " + workerId);
        }
        if (maxBackwardWait.isNegative()) {
            throw new IllegalArgumentException("maxBackwardWait must not be negative, got " + maxBackwardWait);
        }
        this.datacenterId = datacenterId;
        this.workerId = workerId;
        this.nodeBits = ((long) datacenterId << DATACENTER_SHIFT) | ((long) workerId << WORKER_SHIFT);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBackwardWaitMillis = maxBackwardWait.toMillis();
        this.mayIssue = Objects.requireNonNull(mayIssue, "mayIssue");
    }

    /**
     * The next ID: greater than every ID this generator returned before.
     *
     * @throws ClockMovedBackwardsException if the clock is further behind the last issued timestamp than the
     *                                      configured bound
     * @throws IllegalStateException        if the clock is before {@link #EPOCH} or past the 41-bit range, or the
     *                                      thread is interrupted while waiting for the clock
     * @throws IdsUnavailableException      if this generator may not issue IDs now
     */
    public long nextId() {
        if (!mayIssue.getAsBoolean()) {
            throw new IdsUnavailableException("worker " + workerId + " of datacenter " + datacenterId
                    + " issues no IDs while its instance does not hold the worker's lease");
        }
        while (true) {
            final long previous = last.get();
            // Read after the state: a clock value read by the thread that wrote 'previous' is then never newer
            // than this one, so a smaller value below really is the clock going back.
            final long now = currentTimestamp();
            final long previousTimestamp = previous >> SEQUENCE_BITS;
            final long next;
            if (now > previousTimestamp) {
                next = now << SEQUENCE_BITS;
            } else if (now == previousTimestamp) {
                if ((previous & SEQUENCE_MASK) == MAX_SEQUENCE) {
                    awaitTimestampAfter(previousTimestamp);
                    continue;
                }
                next = previous + 1;
            } else {
                awaitClockCatchUp(now, previousTimestamp);
                continue;
            }
            if (last.compareAndSet(previous, next)) {
                return ((next >> SEQUENCE_BITS) << TIMESTAMP_SHIFT) | nodeBits | (next & SEQUENCE_MASK);
            }
        }
    }

    /** {@link #nextId()} in its string form, as IDs appear in JSON. */
    public String nextIdString() {
        return Long.toString(nextId());
    }

    public int datacenterId() {
        return datacenterId;
    }

    public int workerId() {
        return workerId;
    }

    /** The decimal string form of an ID. */
    public static String toString(long id) {
        return Long.toString(id);
    }

    /**
     * Parses the string form of an ID.
     *
     * @throws IllegalArgumentException if it is not a non-negative decimal {@code long}
     */
    public static long parse(String id) {
        final long value;
        try {
            value = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a Snowflake ID: '" + id + "'", e);
        }
        if (value < 0) {
            throw new IllegalArgumentException("Not a Snowflake ID (negative): '" + id + "'");
        }
        return value;
    }

    /** Unix milliseconds at which the ID was generated. */
    public static long timestampMillis(long id) {
        return (id >>> TIMESTAMP_SHIFT) + EPOCH_MILLIS;
    }

    /** The smallest ID generated at or after {@code epochMillis}: a lower bound for "created since". */
    public static long minIdAt(long epochMillis) {
        return Math.max(0, epochMillis - EPOCH_MILLIS) << TIMESTAMP_SHIFT;
    }

    /** The instant at which the ID was generated, to the millisecond. */
    public static Instant timestamp(long id) {
        return Instant.ofEpochMilli(timestampMillis(id));
    }

    public static int datacenterId(long id) {
        return (int) ((id >>> DATACENTER_SHIFT) & MAX_DATACENTER_ID);
    }

    public static int workerId(long id) {
        return SnowflakeLayout.workerId(id);
    }

    public static int sequence(long id) {
        return (int) (id & SEQUENCE_MASK);
    }

    /** All fields of an ID at once. */
    public static SnowflakeId decode(long id) {
        return new SnowflakeId(id, timestamp(id), datacenterId(id), workerId(id), sequence(id));
    }

    /**
     * The fields of an ID.
     *
     * @param id           the ID itself
     * @param timestamp    when it was generated, to the millisecond
     * @param datacenterId the datacenter of its generator
     * @param workerId     the worker of its generator
     * @param sequence     its position among the IDs of that generator in that millisecond
     */
    public record SnowflakeId(long id, Instant timestamp, int datacenterId, int workerId, int sequence) {
    }

    private long currentTimestamp() {
        final long timestamp = clock.millis() - EPOCH_MILLIS;
        if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
            throw new IllegalStateException("Clock reads " + Instant.ofEpochMilli(timestamp + EPOCH_MILLIS)
                    + ", outside the range Snowflake IDs can encode from " + EPOCH);
        }
        return timestamp;
    }

    /** Spins: the wait is under a millisecond, shorter than a park would reliably take. */
    private void awaitTimestampAfter(long timestamp) {
        while (currentTimestamp() <= timestamp) {
            Thread.onSpinWait();
        }
    }

    private void awaitClockCatchUp(long now, long lastTimestamp) {
        final long behind = lastTimestamp - now;
        if (behind > maxBackwardWaitMillis) {
            throw new ClockMovedBackwardsException(behind, maxBackwardWaitMillis);
        }
        long current = now;
        while (current < lastTimestamp) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(lastTimestamp - current, 10)));
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("Interrupted while waiting for the clock to catch up by "
                        + (lastTimestamp - current) + " ms");
            }
            current = currentTimestamp();
            if (lastTimestamp - current > maxBackwardWaitMillis) {
                throw new ClockMovedBackwardsException(lastTimestamp - current, maxBackwardWaitMillis);
            }
        }
    }
}
