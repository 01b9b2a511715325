package io.eventline.ratelimit;

import io.eventline.http.ProblemException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * A rule of the limiter applied in memory to one holder, such as an open socket: the rule that limits a route
 * over HTTP, with the same algorithm, counted here for this holder alone, without a round trip through the
 * stream. It suits requests that arrive many to a connection, where a round trip for each would cost more than
 * the request and could reorder them; the connection itself was admitted by the shared limit. The rule is looked
 * up on every request, so rule changes apply at once; a changed rule starts a fresh count.
 */
public final class LocalAllowance {
    private final RateLimiter limiter;
    private final String domain;
    private final List<DescriptorEntry> descriptor;
    private final Clock clock;
    private String ruleName;
    private byte[] state;

    /**
     * @param endpoint the route whose limit applies, as the guard names it ({@code "POST /api/v1/posts"})
     * @param userId   the holder's user, the descriptor's second entry
     */
    public LocalAllowance(RateLimiter limiter, String domain, String endpoint, String userId, Clock clock) {
        this.limiter = limiter;
        this.domain = domain;
        this.descriptor = List.of(new DescriptorEntry("endpoint", endpoint), new DescriptorEntry("user", userId));
        this.clock = clock;
    }

    /** Counts one request; the 429 to answer it with when it is over the limit. */
    public synchronized Optional<ProblemException> take() {
        final RateLimitRule rule = limiter.ruleFor(domain, descriptor).orElse(null);
        if (rule == null) {
            return Optional.empty();
        }
        if (!rule.getName().equals(ruleName)) {
            ruleName = rule.getName();
            state = null;
        }
        final Verdict verdict = LimitAlgorithms.of(rule.getAlgorithm())
                .decide(state, clock.millis(), 1, Limit.of(rule));
        if (verdict.allowed()) {
            state = verdict.state();
            return Optional.empty();
        }
        if (rule.getShadow()) {
            return Optional.empty();
        }
        return Optional.of(RateLimitHeaders.tooManyRequests(new DescriptorStatus(rule, true, verdict.remaining(),
                verdict.resetMillis(), verdict.retryAfterMillis(), 0, false, true)));
    }
}
