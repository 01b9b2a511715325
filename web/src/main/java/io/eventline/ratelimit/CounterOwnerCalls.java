package io.eventline.ratelimit;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiContract;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.http.Problems;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Checks of counters another instance decides, sent to that instance in one internal call (no Kafka on the
 * way): the check goes as Avro, the owner decides it in memory ({@link CounterOwner}) under its own copy of the
 * rules and answers with the decision. The internal route is the receiving end.
 */
public final class CounterOwnerCalls {
    /** Where an instance asks another to decide a check. */
    public static final String PATH = InternalCalls.PREFIX + "/ratelimit/decisions";
    private static final String MEDIA_TYPE = "application/avro";
    private static final long MAX_CHECK_BYTES = 64 * 1024;

    private final QueryRouter router;
    private final HostInfo self;
    private final HttpClient http;
    private final InternalCalls calls;
    private final Duration timeout;

    public CounterOwnerCalls(QueryRouter router, HttpClient http, InternalCalls calls, Duration timeout) {
        this.router = router;
        this.self = router.self();
        this.http = http;
        this.calls = calls;
        this.timeout = timeout;
    }

    /** Thrown when the owner of a counter is this instance (still taking it over) or not known yet. */
    static final class NoOtherOwnerException extends RuntimeException {
        NoOtherOwnerException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Asks the instance that decides {@code check}'s counter. */
    CompletableFuture<RateLimitDecision> ask(RateLimitCheckRequested check) {
        final HostInfo owner = ownerOf(RateLimitKeys.counterKey(check));
        if (owner == null) {
            return CompletableFuture.failedFuture(new NoOtherOwnerException("the counter's owner is being decided"));
        }
        if (owner.equals(self)) {
            return CompletableFuture.failedFuture(new NoOtherOwnerException("this instance is taking the counter over"));
        }
        final byte[] body;
        try {
            body = bytes(check.toByteBuffer());
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        final URI uri = URI.create("http://" + owner.host() + ":" + owner.port() + PATH);
        return http.sendAsync(calls.request("POST", uri, body, new InternalCalls.Caller(null, self.host(), false))
                                .header("Content-Type", MEDIA_TYPE).header("Accept", MEDIA_TYPE).timeout(timeout)
                                .build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        throw new NoOtherOwnerException("the owner answered " + response.statusCode());
                    }
                    try {
                        return RateLimitDecision.fromByteBuffer(ByteBuffer.wrap(response.body()));
                    } catch (IOException e) {
                        throw new IllegalStateException("the owner's decision cannot be read", e);
                    }
                });
    }

    private HostInfo ownerOf(String counterKey) {
        return router.ownerOf(RateLimitStores.STATE, counterKey).map(KeyQueryMetadata::activeHost).orElse(null);
    }

    /**
     * The receiving end: decides a check another instance sent, if this instance decides its counter; a 503
     * otherwise, which the sender answers by the rule's failure mode once its time is up.
     */
    public static ApiRoute route(CounterOwner owner, RuleCache rules, Problems problems) {
        return new ApiRoute(HandlerType.POST, PATH, "Rate limits", "Decide a check of a counter this instance owns",
                false, ctx -> decide(ctx, owner, rules, problems), ApiRoute.LimitedBy.NONE, MAX_CHECK_BYTES,
                ApiContract.none());
    }

    private static void decide(Context ctx, CounterOwner owner, RuleCache rules, Problems problems) {
        final RateLimitCheckRequested check;
        try {
            check = RateLimitCheckRequested.fromByteBuffer(ByteBuffer.wrap(ctx.bodyAsBytes()));
        } catch (IOException | RuntimeException e) {
            throw ProblemException.badRequest("the body is not a check: " + e.getMessage(), List.of());
        }
        final RateLimitRule rule = rules.match(check.getDomain(), check.getDescriptor()).orElse(null);
        if (rule == null) {
            answer(ctx, RateLimiter.unlimited(check));
            return;
        }
        ctx.future(() -> owner.decide(check, rule).handle((decision, error) -> {
            if (error == null) {
                answer(ctx, decision);
            } else {
                problems.write(ProblemException.unavailable("this instance cannot decide the counter now ("
                        + rootOf(error).getMessage() + ")", 1), ctx);
            }
            return null;
        }));
    }

    private static void answer(Context ctx, RateLimitDecision decision) {
        try {
            ctx.contentType(MEDIA_TYPE).result(bytes(decision.toByteBuffer()));
        } catch (IOException e) {
            throw new IllegalStateException("a decision is always encodable", e);
        }
    }

    static Throwable rootOf(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
