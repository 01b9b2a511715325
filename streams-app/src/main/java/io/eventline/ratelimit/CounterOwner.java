package io.eventline.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Decides checks in memory on the instance whose stream task owns their counter, and answers at once. The window
 * it decides against is the task's store plus the hits it admitted that the task has not applied yet; every
 * decision is logged asynchronously, the decisions of one counter within a millisecond in one record that carries
 * the rule and each verdict ({@link RateLimitProcessor} applies them to the store). One decider per counter keeps the limit exact: only the
 * process whose task holds the partition decides it, and only once its task has applied everything logged before
 * (a barrier check it logs itself on taking the partition).
 *
 * <p>What a {@code kill -9} can lose is what was admitted and not yet logged: at most {@link #maxUnloggedHits}
 * checks per partition, in practice a millisecond of batching, the producer's linger and one acknowledgement.
 * A new owner restores the window from the log and goes on from there.
 */
public final class CounterOwner implements AutoCloseable {
    /** The domain of barrier checks: no rule can have an empty domain, so a barrier never counts anything. */
    static final String BARRIER_DOMAIN = "";
    private static final String BARRIER_KEY = "partition";
    private static final Duration READY_POLL = Duration.ofMillis(2);
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(200);
    /** How long a counter's decisions gather before they are logged together. */
    private static final Duration BATCH_DELAY = Duration.ofMillis(1);
    /** The most decisions of one counter logged in one record. */
    static final int MAX_BATCH = 500;
    private static final int LOCK_STRIPES = 1024;

    /** Logs a decided check on {@code ratelimit.checks.v1}; completes with the offset it was written at. */
    @FunctionalInterface
    public interface HitLog {
        CompletableFuture<Long> log(RateLimitCheckRequested check);
    }

    /** This process does not decide the partition (another instance does, or nobody yet). */
    public static final class NotOwnerException extends RuntimeException {
        NotOwnerException(int partition) {
            super("partition " + partition + " of the rate-limit counters is not decided here", null, false, false);
        }
    }

    /** Too many decisions are waiting to be logged: the log is not keeping up, and deciding on would risk them. */
    public static final class BacklogException extends RuntimeException {
        BacklogException(int partition, int waiting) {
            super(waiting + " decisions of partition " + partition + " wait to be logged", null, false, false);
        }
    }

    private final CounterPartitions partitions;
    private final int partitionCount;
    private final HitLog log;
    private final Deserializer<RateLimitDecision> recordedDecisions;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final int maxUnloggedHits;
    private final Map<Integer, LivePartition> live = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final ScheduledFuture<?> sweeper;

    /**
     * @param partitionCount  partitions of {@code ratelimit.checks.v1}
     * @param recordedDecisions reads decisions as the stream records them (the topic's wire format)
     * @param maxUnloggedHits decisions per partition that may wait for the log at once; beyond it checks are
     *                        answered by their rule's failure mode
     */
    public CounterOwner(CounterPartitions partitions, int partitionCount, HitLog log,
                        Deserializer<RateLimitDecision> recordedDecisions, Clock clock,
                        ScheduledExecutorService scheduler, int maxUnloggedHits) {
        this.partitions = partitions;
        this.partitionCount = partitionCount;
        this.log = log;
        this.recordedDecisions = recordedDecisions;
        this.clock = clock;
        this.scheduler = scheduler;
        this.maxUnloggedHits = maxUnloggedHits;
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new Object();
        }
        partitions.onWithdraw(live::remove);
        this.sweeper = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_INTERVAL.toMillis(),
                SWEEP_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The partition of {@code ratelimit.checks.v1} (and of the counters' store) that holds {@code counterKey}. */
    public int partitionOf(String counterKey) {
        return partitionOf(counterKey, partitionCount);
    }

    static int partitionOf(String counterKey, int partitionCount) {
        // the producer's default partitioner, which placed every check of the counter so far
        return Utils.toPositive(Utils.murmur2(counterKey.getBytes(StandardCharsets.UTF_8)))
                % partitionCount;
    }

    /** True when this process decides the counters of {@code partition}. */
    public boolean owns(int partition) {
        return partitions.get(partition) != null;
    }

    /**
     * Decides {@code check} (whose {@code rule} is unset) under {@code rule} on this process, at this process's
     * time. Completes at once when the partition is ready, or once it is; fails with {@link NotOwnerException}
     * when this process does not decide the partition and with {@link BacklogException} when the log lags.
     */
    public CompletableFuture<RateLimitDecision> decide(RateLimitCheckRequested check, RateLimitRule rule) {
        final String counterKey = RateLimitKeys.counterKey(check);
        final int partition = partitionOf(counterKey);
        final LivePartition target;
        try {
            target = livePartition(partition);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (target.ready()) {
            return decideNow(target, counterKey, check, rule);
        }
        return target.readiness().thenCompose(ready -> decideNow(target, counterKey, check, rule));
    }

    /**
     * The state a decision on {@code counterKey} starts from right now, if this process decides it: the live state
     * when hits are waiting to be applied, else the store's. Empty when another process decides it.
     */
    public Optional<byte[]> currentState(String counterKey) {
        final int partition = partitionOf(counterKey);
        final CounterPartitions.Owned owned = partitions.get(partition);
        if (owned == null) {
            return Optional.empty();
        }
        synchronized (lockOf(counterKey)) {
            final LivePartition target = live.get(partition);
            final LiveCounter counter = target == null || target.owned != owned ? null
                    : target.counters.get(counterKey);
            return Optional.ofNullable(counter != null ? counter.state : storedState(owned, counterKey));
        }
    }

    private LivePartition livePartition(int partition) {
        final CounterPartitions.Owned owned = partitions.get(partition);
        if (owned == null) {
            throw new NotOwnerException(partition);
        }
        return live.compute(partition, (p, current) -> current != null && current.owned == owned ? current
                : new LivePartition(owned));
    }

    private CompletableFuture<RateLimitDecision> decideNow(LivePartition target, String counterKey,
                                                           RateLimitCheckRequested check, RateLimitRule rule) {
        try {
            return CompletableFuture.completedFuture(decideLocked(target, counterKey, check, rule));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private RateLimitDecision decideLocked(LivePartition target, String counterKey, RateLimitCheckRequested check,
                                           RateLimitRule rule) {
        synchronized (lockOf(counterKey)) {
            if (partitions.get(target.owned.partition()) != target.owned) {
                throw new NotOwnerException(target.owned.partition());
            }
            if (check.getKeepDecision()) {
                final RateLimitDecision recorded = recorded(target, check.getCheckId());
                if (recorded != null) {
                    return recorded;
                }
            }
            final int waiting = target.unlogged.get();
            if (waiting >= maxUnloggedHits) {
                throw new BacklogException(target.owned.partition(), waiting);
            }
            final LiveCounter counter = target.counters.get(counterKey);
            final byte[] state = counter != null ? counter.state : storedState(target.owned, counterKey);
            final Instant now = clock.instant();
            final Verdict verdict = LimitAlgorithms.of(rule.getAlgorithm())
                    .decide(state, now.toEpochMilli(), check.getHits(), Limit.of(rule));
            final RateLimitDecision decision = RateLimitDecisions.of(check.getCheckId(), check.getRequestId(), now,
                    rule, verdict);
            final LiveCounter changed = target.counters.computeIfAbsent(counterKey, key -> new LiveCounter());
            changed.state = verdict.state();
            if (check.getKeepDecision()) {
                final PendingDecision pending = new PendingDecision(decision);
                target.decisions.put(check.getCheckId(), pending);
                changed.batchDecisions.add(pending);
            }
            if (!changed.batch.isEmpty() && !changed.batchRule.equals(rule)) {
                flushLocked(target, counterKey, changed);
            }
            changed.batchRule = rule;
            changed.domain = check.getDomain();
            changed.descriptor = check.getDescriptor();
            changed.batch.add(LoggedHit.newBuilder().setCheckId(check.getCheckId())
                    .setRequestId(check.getRequestId()).setTimestamp(now).setHits(check.getHits())
                    .setAdmitted(verdict.allowed()).setKeepDecision(check.getKeepDecision()).build());
            changed.unlogged++;
            target.unlogged.incrementAndGet();
            if (changed.batch.size() >= MAX_BATCH) {
                flushLocked(target, counterKey, changed);
            } else if (changed.batch.size() == 1) {
                target.dirty.add(counterKey);
                target.scheduleFlush();
            }
            return decision;
        }
    }

    /** Logs the decisions gathered for one counter, in order, as one record; the counter's lock is held. */
    private void flushLocked(LivePartition target, String counterKey, LiveCounter counter) {
        final List<LoggedHit> hits = counter.batch;
        final List<PendingDecision> decisions = counter.batchDecisions;
        counter.batch = new ArrayList<>();
        counter.batchDecisions = new ArrayList<>();
        final LoggedHit head = hits.get(0);
        // the producer keeps the order of one partition's sends, so a counter's records apply in decision order
        log.log(RateLimitCheckRequested.newBuilder().setCheckId(head.getCheckId()).setRequestId(head.getRequestId())
                        .setTimestamp(head.getTimestamp()).setDomain(counter.domain).setDescriptor(counter.descriptor)
                        .setHits(head.getHits()).setRule(counter.batchRule).setAdmitted(head.getAdmitted())
                        .setKeepDecision(head.getKeepDecision()).setFollowing(hits.subList(1, hits.size())).build())
                .whenComplete((offset, error) -> logged(target, counterKey, counter, decisions, hits.size(), offset));
    }

    /** Logs every counter's gathered decisions of {@code target}. */
    private void flush(LivePartition target) {
        target.flushScheduled.set(false);
        for (String counterKey = target.dirty.poll(); counterKey != null; counterKey = target.dirty.poll()) {
            synchronized (lockOf(counterKey)) {
                final LiveCounter counter = target.counters.get(counterKey);
                if (counter != null && !counter.batch.isEmpty()) {
                    flushLocked(target, counterKey, counter);
                }
            }
        }
    }

    private void logged(LivePartition target, String counterKey, LiveCounter counter, List<PendingDecision> pending,
                        int hits, Long offset) {
        target.unlogged.addAndGet(-hits);
        final long at = offset == null ? -1 : offset;
        pending.forEach(decision -> decision.offset = at);
        synchronized (lockOf(counterKey)) {
            counter.unlogged -= hits;
            counter.loggedTo = Math.max(counter.loggedTo, at);
        }
    }

    /** The checks a logged record carries, in the order they were decided. */
    static List<LoggedHit> hitsOf(RateLimitCheckRequested check) {
        final List<LoggedHit> hits = new ArrayList<>(1 + check.getFollowing().size());
        hits.add(LoggedHit.newBuilder().setCheckId(check.getCheckId()).setRequestId(check.getRequestId())
                .setTimestamp(check.getTimestamp()).setHits(check.getHits()).setAdmitted(check.getAdmitted())
                .setKeepDecision(check.getKeepDecision()).build());
        hits.addAll(check.getFollowing());
        return hits;
    }

    private RateLimitDecision recorded(LivePartition target, String checkId) {
        final PendingDecision pending = target.decisions.get(checkId);
        if (pending != null) {
            return pending.decision;
        }
        final byte[] stored = target.owned.read(RateLimitStores.decisionEntry(checkId));
        return stored == null ? null
                : recordedDecisions.deserialize(RateLimitTopics.DECISIONS.name(), RateLimitStores.payloadOf(stored));
    }

    private static byte[] storedState(CounterPartitions.Owned owned, String counterKey) {
        final byte[] stored = owned.read(RateLimitStores.counterEntry(counterKey));
        return stored == null ? null : RateLimitStores.counterStateOf(stored);
    }

    /** Drops what the store has caught up with: a counter whose logged hits are all applied reads from the store. */
    private void sweep() {
        for (LivePartition target : live.values()) {
            final long processed = target.owned.processed();
            target.counters.forEach((counterKey, counter) -> {
                synchronized (lockOf(counterKey)) {
                    if (counter.unlogged == 0 && counter.loggedTo <= processed) {
                        target.counters.remove(counterKey, counter);
                    }
                }
            });
            target.decisions.values().removeIf(pending -> pending.offset != Long.MIN_VALUE
                    && pending.offset <= processed);
        }
    }

    private Object lockOf(String counterKey) {
        return locks[(counterKey.hashCode() & Integer.MAX_VALUE) % LOCK_STRIPES];
    }

    /** A check that counts nothing and lands on {@code partition}: once the task has processed it, all before it is applied. */
    RateLimitCheckRequested barrier(int partition) {
        for (int i = 0; ; i++) {
            final List<DescriptorEntry> descriptor = List.of(new DescriptorEntry(BARRIER_KEY, Integer.toString(i)));
            if (partitionOf(RateLimitKeys.counterKey(BARRIER_DOMAIN, descriptor)) == partition) {
                final String id = "barrier:" + partition + ":" + clock.millis();
                return RateLimitCheckRequested.newBuilder().setCheckId(id).setRequestId(id)
                        .setTimestamp(clock.instant()).setDomain(BARRIER_DOMAIN).setDescriptor(descriptor)
                        .setHits(0).setKeepDecision(false).setFollowing(List.of()).build();
            }
        }
    }

    static boolean isBarrier(RateLimitCheckRequested check) {
        return BARRIER_DOMAIN.equals(check.getDomain());
    }

    /** Logs what is gathered, so that a stop loses nothing decided. */
    @Override
    public void close() {
        sweeper.cancel(false);
        live.values().forEach(this::flush);
    }

    /** A counter with hits this process decided that its task may not have applied yet. */
    private static final class LiveCounter {
        byte[] state;
        int unlogged;
        long loggedTo = -1;
        String domain;
        List<DescriptorEntry> descriptor;
        RateLimitRule batchRule;
        List<LoggedHit> batch = new ArrayList<>();
        List<PendingDecision> batchDecisions = new ArrayList<>();
    }

    /** A decision kept by check ID until the task has recorded it. */
    private static final class PendingDecision {
        final RateLimitDecision decision;
        volatile long offset = Long.MIN_VALUE;

        PendingDecision(RateLimitDecision decision) {
            this.decision = decision;
        }
    }

    /** One partition this process decides, from the moment its task took it. */
    private final class LivePartition {
        final CounterPartitions.Owned owned;
        final Map<String, LiveCounter> counters = new ConcurrentHashMap<>();
        final Map<String, PendingDecision> decisions = new ConcurrentHashMap<>();
        final AtomicInteger unlogged = new AtomicInteger();
        /** Counters with decisions gathered and not logged yet. */
        final Queue<String> dirty = new ConcurrentLinkedQueue<>();
        final AtomicBoolean flushScheduled = new AtomicBoolean();
        private final CompletableFuture<Void> ready = new CompletableFuture<>();
        private volatile long barrierOffset = Long.MAX_VALUE;

        LivePartition(CounterPartitions.Owned owned) {
            this.owned = owned;
            logBarrier();
        }

        private void logBarrier() {
            log.log(barrier(owned.partition())).whenComplete((offset, error) -> {
                if (error != null) {
                    scheduler.schedule(this::logBarrier, READY_POLL.toMillis() * 50, TimeUnit.MILLISECONDS);
                    return;
                }
                barrierOffset = offset;
                poll();
            });
        }

        private void poll() {
            if (owned.processed() >= barrierOffset) {
                ready.complete(null);
            } else if (partitions.get(owned.partition()) == owned) {
                scheduler.schedule(this::poll, READY_POLL.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                ready.completeExceptionally(new NotOwnerException(owned.partition()));
            }
        }

        void scheduleFlush() {
            if (flushScheduled.compareAndSet(false, true)) {
                scheduler.schedule(() -> flush(this), BATCH_DELAY.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        boolean ready() {
            return ready.isDone() && !ready.isCompletedExceptionally();
        }

        CompletableFuture<Void> readiness() {
            return ready;
        }
    }
}
