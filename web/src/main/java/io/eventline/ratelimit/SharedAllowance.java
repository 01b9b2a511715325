package io.eventline.ratelimit;

import io.eventline.http.ProblemException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A route's rule applied to requests that arrive over a held connection, such as a chat socket's sends: each
 * counts under the descriptor the route's own requests count under (the endpoint and the user), and is decided by
 * the limiter like them, in memory at the counter's owner. So a user's sends share one limit across all their
 * sockets, the route itself and every instance.
 */
public final class SharedAllowance {
    private static final CompletableFuture<Void> ADMITTED = CompletableFuture.completedFuture(null);

    private final RateLimiter limiter;
    private final Supplier<String> requestIds;
    private final String domain;
    private final String endpoint;
    private final Duration waitLimit;

    /**
     * @param endpoint  the route whose limit applies, as the guard names it ({@code "POST /api/v1/posts"})
     * @param waitLimit how long a request waits for its decision before it is answered 503
     */
    public SharedAllowance(RateLimiter limiter, Supplier<String> requestIds, String domain, String endpoint,
                           Duration waitLimit) {
        this.limiter = limiter;
        this.requestIds = requestIds;
        this.domain = domain;
        this.endpoint = endpoint;
        this.waitLimit = waitLimit;
    }

    /**
     * Counts one request of {@code userId}. Completes once it may go ahead (after its turn, under a leaking
     * bucket), or exceptionally with the {@link ProblemException} that answers it: 429 over the limit, 503 when
     * no decision came in time. Completed already when decided on this instance without a wait.
     */
    public CompletableFuture<Void> take(String userId) {
        final List<DescriptorEntry> descriptor = List.of(new DescriptorEntry("endpoint", endpoint),
                new DescriptorEntry("user", userId));
        if (limiter.ruleFor(domain, descriptor).isEmpty()) {
            return ADMITTED;
        }
        final CompletableFuture<CheckResult> pending = limiter.check(requestIds.get(), false, domain,
                List.of(descriptor), 1);
        if (pending.isDone()) {
            return admit(pending.join());
        }
        return pending.orTimeout(waitLimit.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionally(error -> {
                    throw ProblemException.unavailable("the rate limiter did not answer; retry shortly", 1);
                })
                .thenCompose(SharedAllowance::admit);
    }

    private static CompletableFuture<Void> admit(CheckResult result) {
        if (result.limited()) {
            return CompletableFuture.failedFuture(RateLimitHeaders.refusal(result.binding().orElseThrow()));
        }
        return result.turn();
    }
}
