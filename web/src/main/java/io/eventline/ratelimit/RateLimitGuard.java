package io.eventline.ratelimit;

import io.eventline.auth.JwtAuth;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts the rate limiter in front of every route that declares whom it limits ({@link ApiRoute#limitedBy()}):
 * the request is counted under the configured domain ({@code eventline} by default) with the descriptor
 * {@code endpoint=<METHOD path>} and then {@code user=<id>} or {@code ip=<address>}; the rules decide how many
 * pass.
 */
public final class RateLimitGuard {
    /** Beyond the decision timeout the guard gives the limiter this much more before it gives up itself. */
    private static final Duration GRACE = Duration.ofSeconds(1);

    private final RateLimiter limiter;
    private final String domain;
    private final ClientAddress clients;
    private final SnowflakeIdGenerator ids;
    private final Duration waitLimit;
    private final Executor admitted;

    /**
     * @param admitted runs the requests admitted after a wait: a decision completes on whatever thread decided it
     *                 (a timer's, a call's, the JDK's one timeout thread), which must not then serve the request
     *                 (forwarding a read can block it for seconds, and every timeout behind it would fire late)
     */
    public RateLimitGuard(RateLimiter limiter, String domain, ClientAddress clients, SnowflakeIdGenerator ids,
                          Duration decisionTimeout, Executor admitted) {
        this.limiter = limiter;
        this.domain = domain;
        this.clients = clients;
        this.ids = ids;
        this.waitLimit = decisionTimeout.plus(GRACE);
        this.admitted = admitted;
    }

    /** The routes, each limited one wrapped in the guard. */
    public List<ApiRoute> apply(List<ApiRoute> routes) {
        return routes.stream()
                .map(route -> route.limitedBy() == ApiRoute.LimitedBy.NONE ? route : route.withHandler(guard(route)))
                .toList();
    }

    private Handler guard(ApiRoute route) {
        final String endpoint = route.endpoint();
        final Handler handler = route.handler();
        return ctx -> {
            final List<DescriptorEntry> descriptor = List.of(new DescriptorEntry("endpoint", endpoint),
                    route.limitedBy() == ApiRoute.LimitedBy.USER
                            ? new DescriptorEntry("user", JwtAuth.principal(ctx).userId())
                            : new DescriptorEntry("ip", clients.of(ctx)));
            if (limiter.ruleFor(domain, descriptor).isEmpty()) {
                handler.handle(ctx);
                return;
            }
            final CompletableFuture<CheckResult> pending = limiter.check(ids.nextIdString(), false, domain,
                    List.of(descriptor), 1);
            if (isSocketUpgrade(ctx)) {
                // the upgrade goes ahead as soon as the handler returns, without waiting for a future: a socket
                // would open before its handler ran, and whatever the decision, so this one is awaited here
                awaitTurn(admit(ctx, decided(pending)));
                handler.handle(ctx);
                return;
            }
            if (pending.isDone()) {
                // decided here, in memory: the usual case, answered on this thread
                final CompletableFuture<Void> turn = admit(ctx, pending.join());
                if (turn.isDone()) {
                    handler.handle(ctx);
                } else {
                    ctx.future(() -> turn.thenRunAsync(() -> handle(handler, ctx), admitted));
                }
                return;
            }
            // decided by another instance, or once this one has taken the counter over: no thread waits for it
            ctx.future(() -> pending.orTimeout(waitLimit.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(error -> {
                        throw ProblemException.unavailable("the rate limiter did not answer; retry shortly", 1);
                    })
                    .thenCompose(result -> admit(ctx, result))
                    .thenRunAsync(() -> handle(handler, ctx), admitted));
        };
    }

    private static boolean isSocketUpgrade(Context ctx) {
        return "websocket".equalsIgnoreCase(ctx.header("Upgrade"));
    }

    private CheckResult decided(CompletableFuture<CheckResult> pending) throws InterruptedException {
        try {
            return pending.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ProblemException.unavailable("the rate limiter did not answer; retry shortly", 1);
        }
    }

    private void awaitTurn(CompletableFuture<Void> turn) throws InterruptedException {
        try {
            turn.get(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ProblemException.unavailable("too many connections are waiting for their turn; retry shortly", 1);
        }
    }

    /** Refuses the request if the result says so; else sets its headers and says when its turn comes. */
    private static CompletableFuture<Void> admit(Context ctx, CheckResult result) {
        final DescriptorStatus binding = result.binding().orElse(null);
        if (result.limited()) {
            throw RateLimitHeaders.refusal(binding);
        }
        RateLimitHeaders.admitted(binding).forEach(ctx::header);
        // a leaking bucket releases queued requests at its fixed rate: this one's turn comes after the delay
        return result.turn();
    }

    private static void handle(Handler handler, Context ctx) {
        try {
            handler.handle(ctx);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
