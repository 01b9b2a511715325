package io.eventline.ratelimit;

import static io.eventline.ratelimit.LimitAlgorithms.ceilDiv;

import java.nio.ByteBuffer;

/**
 * Leaking bucket: a FIFO queue of {@code burst} requests drained at a fixed {@code requestsPerUnit} per unit. An
 * admitted request waits in the queue until its turn ({@link Verdict#delayMillis()}); one that finds the queue full is
 * dropped. Kept as a virtual finish time (like GCRA): the backlog, i.e. how long the queue needs to drain, implies the
 * queue length at any later time. Each request occupies one emission interval, {@code unitMillis / requestsPerUnit};
 * the first into an empty queue leaves at once.
 * Trade-off: a smooth, fixed output rate in O(1) memory, but requests wait, and a burst fills the queue with old
 * requests so that newer ones are dropped.
 *
 * <p>State, {@value #STATE_BYTES} bytes: tag, the time of the last admission (epoch ms) and the backlog then, in ticks
 * of {@code 1 / requestsPerUnit} ms, so that an emission interval is exactly {@code unitMillis} ticks.
 */
public final class LeakingBucket implements LimitAlgorithm {

    static final int STATE_BYTES = 1 + 2 * Long.BYTES;

    @Override
    public Verdict decide(byte[] state, long nowMillis, long hits, Limit limit) {
        LimitAlgorithms.requireHits(hits);
        final Queue queue = Queue.read(state, nowMillis, limit);
        if (hits == 0) {
            return verdict(queue, limit, 0, 0, state);
        }
        if (hits > limit.burst()) {
            return verdict(queue, limit, limit.unitMillis(), 0, state);
        }
        final long room = (limit.burst() - hits) * limit.unitMillis();
        if (queue.backlogTicks > room) {
            return verdict(queue, limit, ceilDiv(queue.backlogTicks - room, limit.requestsPerUnit()), 0, state);
        }
        // rounded up: released no earlier than the drain rate allows
        final long delayMillis = ceilDiv(queue.backlogTicks, limit.requestsPerUnit());
        final Queue after = new Queue(queue.nowMillis, queue.backlogTicks + hits * limit.unitMillis());
        return verdict(after, limit, 0, delayMillis, after.write());
    }

    private static Verdict verdict(Queue queue, Limit limit, long retryAfterMillis, long delayMillis, byte[] state) {
        final long resetMillis = ceilDiv(queue.backlogTicks, limit.requestsPerUnit());
        final long remaining = Math.max(0, limit.burst() - ceilDiv(queue.backlogTicks, limit.unitMillis()));
        return new Verdict(retryAfterMillis == 0, limit.requestsPerUnit(), remaining, resetMillis, retryAfterMillis,
                delayMillis, state, queue.nowMillis + resetMillis);
    }

    /** The queue at an effective time, drained up to it. */
    private record Queue(long nowMillis, long backlogTicks) {

        static Queue read(byte[] state, long nowMillis, Limit limit) {
            final ByteBuffer body = StateCodec.read(state, RateLimitAlgorithm.LEAKING_BUCKET, STATE_BYTES - 1);
            if (body == null) {
                return new Queue(nowMillis, 0);
            }
            final long lastMillis = body.getLong();
            final long backlogTicks = Math.max(0, body.getLong());
            final long now = Math.max(nowMillis, lastMillis);
            // bounding the elapsed time by the time to drain keeps the product within a long
            final long untilEmpty = ceilDiv(backlogTicks, limit.requestsPerUnit());
            final long drained = Math.min(now - lastMillis, untilEmpty) * limit.requestsPerUnit();
            return new Queue(now, Math.max(0, backlogTicks - drained));
        }

        byte[] write() {
            return StateCodec.write(RateLimitAlgorithm.LEAKING_BUCKET, STATE_BYTES - 1)
                    .putLong(nowMillis).putLong(backlogTicks).array();
        }
    }
}
