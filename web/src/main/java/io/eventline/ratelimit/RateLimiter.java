package io.eventline.ratelimit;

import io.eventline.operations.ReplyListener;
import io.eventline.producers.EventProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the stream to decide: one check event per descriptor that a rule applies to, keyed by its counter so the
 * partition owning the counter decides, then awaits the decisions. Descriptors no rule applies to are answered
 * here without a round trip. A decision that does not arrive in time is answered by the rule's failure mode.
 */
public final class RateLimiter {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

    private final EventProducer producer;
    private final ReplyListener<RateLimitDecision> decisions;
    private final RuleCache rules;
    private final Duration decisionTimeout;
    private final Clock clock;

    public RateLimiter(EventProducer producer, ReplyListener<RateLimitDecision> decisions, RuleCache rules,
                       Duration decisionTimeout, Clock clock) {
        this.producer = producer;
        this.decisions = decisions;
        this.rules = rules;
        this.decisionTimeout = decisionTimeout;
        this.clock = clock;
    }

    /** Counts {@code hits} against every descriptor's limit; {@code requestId} makes a repeated check count once. */
    public CompletableFuture<CheckResult> check(String requestId, String domain, List<List<DescriptorEntry>> descriptors,
                                                int hits) {
        final List<CompletableFuture<DescriptorStatus>> statuses = new ArrayList<>(descriptors.size());
        for (int i = 0; i < descriptors.size(); i++) {
            final List<DescriptorEntry> descriptor = descriptors.get(i);
            final Optional<RateLimitRule> rule = rules.match(domain, descriptor);
            statuses.add(rule.isEmpty() ? CompletableFuture.completedFuture(DescriptorStatus.unlimited())
                    : decide(requestId + "#" + i, requestId, domain, descriptor, hits, rule.get()));
        }
        return CompletableFuture.allOf(statuses.toArray(CompletableFuture[]::new))
                .thenApply(done -> new CheckResult(statuses.stream().map(CompletableFuture::join).toList()));
    }

    /** The rule a descriptor falls under now, if any. */
    public Optional<RateLimitRule> ruleFor(String domain, List<DescriptorEntry> descriptor) {
        return rules.match(domain, descriptor);
    }

    private CompletableFuture<DescriptorStatus> decide(String checkId, String requestId, String domain,
                                                      List<DescriptorEntry> descriptor, int hits, RateLimitRule rule) {
        final CompletableFuture<RateLimitDecision> decision = decisions.expect(checkId);
        producer.send(RateLimitCheckRequested.newBuilder().setCheckId(checkId).setRequestId(requestId)
                        .setTimestamp(clock.instant()).setDomain(domain).setDescriptor(descriptor).setHits(hits)
                        .build())
                .whenComplete((sent, error) -> {
                    if (error != null) {
                        decision.completeExceptionally(error);
                    }
                });
        return decision.orTimeout(decisionTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((answer, error) -> {
                    if (error == null) {
                        return DescriptorStatus.of(answer);
                    }
                    decisions.forget(checkId);
                    LOG.warn("No rate-limit decision for {} in {} ({}); rule {} fails {}", checkId, decisionTimeout,
                            error.getClass().getSimpleName(), rule.getName(), rule.getFailureMode());
                    return DescriptorStatus.undecided(rule, decisionTimeout.toMillis());
                });
    }
}
