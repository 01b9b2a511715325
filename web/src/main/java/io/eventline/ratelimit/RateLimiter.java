package io.eventline.ratelimit;

import io.eventline.query.LocalStores;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides checks where their counters live: on this instance, in memory, when its stream task owns the counter's
 * partition ({@link CounterOwner}); otherwise by asking the owner over the internal path, one hop, no Kafka on
 * the way ({@link CounterOwnerCalls}). Descriptors no rule applies to are answered here. A decision that cannot be
 * had in time (ownership moving, the owner unreachable, the log lagging) is answered by the rule's failure mode.
 */
public final class RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);
    /** How soon a check whose owner is being decided, or taking over, is tried again. */
    private static final Duration RETRY = Duration.ofMillis(5);
    private static final Duration WARN_EVERY = Duration.ofSeconds(1);

    private final CounterOwner owner;
    private final CounterOwnerCalls owners;
    private final RuleCache rules;
    private final Duration decisionTimeout;
    private final Clock clock;
    private final ScheduledExecutorService retries;
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final LongAdder unwarned = new LongAdder();

    public RateLimiter(CounterOwner owner, CounterOwnerCalls owners, RuleCache rules, Duration decisionTimeout,
                       Clock clock, ScheduledExecutorService retries) {
        this.owner = owner;
        this.owners = owners;
        this.rules = rules;
        this.decisionTimeout = decisionTimeout;
        this.clock = clock;
        this.retries = retries;
    }

    /**
     * Counts {@code hits} against every descriptor's limit.
     *
     * @param repeatable whether {@code requestId} is the caller's own, so that a check repeated with it counts
     *                   once and gets the same answer
     */
    public CompletableFuture<CheckResult> check(String requestId, boolean repeatable, String domain,
                                                List<List<DescriptorEntry>> descriptors, int hits) {
        final List<CompletableFuture<DescriptorStatus>> statuses = new ArrayList<>(descriptors.size());
        for (int i = 0; i < descriptors.size(); i++) {
            final List<DescriptorEntry> descriptor = descriptors.get(i);
            final Optional<RateLimitRule> rule = rules.match(domain, descriptor);
            statuses.add(rule.isEmpty() ? CompletableFuture.completedFuture(DescriptorStatus.unlimited())
                    : decide(RateLimitCheckRequested.newBuilder().setCheckId(requestId + "#" + i)
                            .setRequestId(requestId).setTimestamp(clock.instant()).setDomain(domain)
                            .setDescriptor(descriptor).setHits(hits).setKeepDecision(repeatable).setFollowing(List.of())
                            .build(), rule.get()));
        }
        if (statuses.size() == 1) {
            return statuses.get(0).thenApply(status -> new CheckResult(List.of(status)));
        }
        return CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new))
                .thenApply(done -> new CheckResult(statuses.stream().map(CompletableFuture::join).toList()));
    }

    /** The rule a descriptor falls under now, if any. */
    public Optional<RateLimitRule> ruleFor(String domain, List<DescriptorEntry> descriptor) {
        return rules.match(domain, descriptor);
    }

    /**
     * A counter's window as read from {@code stores} (the counter's partition): the live state when this instance
     * decides the counter (it holds the hits admitted that the store has not applied yet), else the stored one;
     * null when there is none.
     */
    byte[] windowState(LocalStores stores, String counterKey) {
        final byte[] stored = stores.<String, byte[]>keyValue(RateLimitStores.STATE)
                .get(RateLimitStores.counterEntry(counterKey));
        return liveState(counterKey).orElse(stored == null ? null : RateLimitStores.counterStateOf(stored));
    }

    /** The state a decision on {@code counterKey} starts from, when this instance decides that counter. */
    Optional<byte[]> liveState(String counterKey) {
        return owner.currentState(counterKey);
    }

    private CompletableFuture<DescriptorStatus> decide(RateLimitCheckRequested check, RateLimitRule rule) {
        final CompletableFuture<RateLimitDecision> decision = new CompletableFuture<>();
        attempt(check, rule, decision);
        if (decision.isDone() && !decision.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(DescriptorStatus.of(decision.join()));
        }
        return decision.orTimeout(decisionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((answer, error) -> {
                    if (error == null) {
                        return DescriptorStatus.of(answer);
                    }
                    warnUndecided(check, rule, error);
                    return DescriptorStatus.undecided(rule, decisionTimeout.toMillis());
                });
    }

    /**
     * One line a second at most: while an owner is gone every check it decides goes undecided, and a line for
     * each would flood the log.
     */
    private void warnUndecided(RateLimitCheckRequested check, RateLimitRule rule, Throwable error) {
        final long now = System.nanoTime();
        final long next = nextWarnNanos.get();
        if (now - next < 0 || !nextWarnNanos.compareAndSet(next, now + WARN_EVERY.toNanos())) {
            unwarned.increment();
            return;
        }
        final long more = unwarned.sumThenReset();
        LOG.warn("No rate-limit decision for {} in {} ({}); rule {} fails {}{}", check.getCheckId(), decisionTimeout,
                CounterOwnerCalls.rootOf(error).getMessage(), rule.getName(), rule.getFailureMode(),
                more == 0 ? "" : "; " + more + " more undecided checks since the last such line");
    }

    /** Asks whoever owns the counter now; until the time is up, a failed attempt is tried again shortly. */
    private void attempt(RateLimitCheckRequested check, RateLimitRule rule,
                         CompletableFuture<RateLimitDecision> decision) {
        if (decision.isDone()) {
            return;
        }
        final int partition = owner.partitionOf(RateLimitKeys.counterKey(check));
        final CompletableFuture<RateLimitDecision> answer = owner.owns(partition) ? owner.decide(check, rule)
                : owners.ask(check);
        answer.whenComplete((decided, error) -> {
            final Throwable cause = error == null ? null : CounterOwnerCalls.rootOf(error);
            if (error == null) {
                decision.complete(decided);
            } else if (cause instanceof CounterOwner.BacklogException
                    || cause instanceof CounterOwnerCalls.OwnerBusyException
                    || cause instanceof CounterOwnerCalls.OwnerUnreachableException) {
                decision.completeExceptionally(cause);
            } else {
                retries.schedule(() -> attempt(check, rule, decision), RETRY.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

}
