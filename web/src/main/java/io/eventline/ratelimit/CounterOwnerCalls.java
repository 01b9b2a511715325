package io.eventline.ratelimit;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiContract;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.query.QueryRouter;
import io.eventline.query.UnreachableInstances;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Checks of counters another instance decides, sent to that instance over the internal path (no Kafka on the
 * way): the owner decides them in memory ({@link CounterOwner}) under its own copy of the rules and answers with
 * the decisions. Checks for one owner share its calls: while {@value #CALLS_PER_OWNER} calls to it are out, new
 * checks wait and leave together, up to {@value #MAX_BATCH} in one call, as soon as one returns. An idle owner
 * gets each check at once; a busy one gets fewer, larger calls instead of a queue of small ones.
 */
public final class CounterOwnerCalls implements AutoCloseable {
    /** Where an instance asks another to decide checks. */
    public static final String PATH = InternalCalls.PREFIX + "/ratelimit/decisions";
    static final int CALLS_PER_OWNER = 4;
    static final int MAX_BATCH = 256;
    /** Checks waiting for one owner beyond which new ones get their rule's failure mode at once. */
    static final int MAX_WAITING = 20_000;
    private static final String MEDIA_TYPE = "application/avro";
    private static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private final QueryRouter router;
    private final HostInfo self;
    private final HttpClient http;
    private final InternalCalls calls;
    private final Duration timeout;
    private final ExecutorService senders;
    private final ConcurrentHashMap<HostInfo, OwnerLine> lines = new ConcurrentHashMap<>();
    private final UnreachableInstances unreachable;

    /**
     * @param senders runs the calls, at most {@value #CALLS_PER_OWNER} per owner at a time; each call blocks its
     *                thread until the owner answers
     */
    public CounterOwnerCalls(QueryRouter router, HttpClient http, InternalCalls calls, Duration timeout,
                             ExecutorService senders) {
        this.router = router;
        this.self = router.self();
        this.unreachable = router.instances().unreachable();
        this.http = http;
        this.calls = calls;
        this.timeout = timeout;
        this.senders = senders;
    }

    /** Thrown when the owner of a counter is this instance (still taking it over) or not known yet: ask again. */
    static final class NoOtherOwnerException extends RuntimeException {
        NoOtherOwnerException(String detail) {
            super(detail, null, false, false);
        }
    }

    /**
     * Thrown when the owner refused the connection within the last {@link UnreachableInstances#HOLD} (killed, not yet
     * dropped from the group): the rule's failure mode applies at once rather than after the decision timeout.
     */
    static final class OwnerUnreachableException extends RuntimeException {
        OwnerUnreachableException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Thrown when the owner cannot take more checks now: the rule's failure mode applies. */
    static final class OwnerBusyException extends RuntimeException {
        OwnerBusyException(String detail) {
            super(detail, null, false, false);
        }
    }

    /** Asks the instance that decides {@code check}'s counter. */
    CompletableFuture<RateLimitDecision> ask(RateLimitCheckRequested check) {
        final HostInfo owner = router.ownerOf(RateLimitStores.STATE, RateLimitKeys.counterKey(check))
                .map(KeyQueryMetadata::activeHost).orElse(null);
        if (owner == null) {
            return CompletableFuture.failedFuture(new NoOtherOwnerException("the counter's owner is being decided"));
        }
        if (owner.equals(self)) {
            return CompletableFuture.failedFuture(new NoOtherOwnerException("this instance is taking the counter over"));
        }
        if (unreachable.unreachable(owner)) {
            return CompletableFuture.failedFuture(new OwnerUnreachableException(owner + " refused a connection "
                    + "within the last " + UnreachableInstances.HOLD.toMillis() + " ms"));
        }
        final Waiting waiting = new Waiting(check, new CompletableFuture<>());
        lines.computeIfAbsent(owner, OwnerLine::new).add(waiting);
        return waiting.decision;
    }

    @Override
    public void close() {
        senders.shutdownNow();
        lines.values().forEach(line -> line.failAll(new NoOtherOwnerException("this instance is stopping")));
    }

    private record Waiting(RateLimitCheckRequested check, CompletableFuture<RateLimitDecision> decision) {
    }

    /** The checks waiting for one owner and the calls out to it. */
    private final class OwnerLine {
        private final URI uri;
        private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
        private int callsOut;
        private final HostInfo owner;

        OwnerLine(HostInfo owner) {
            this.owner = owner;
            this.uri = URI.create("http://" + owner.host() + ":" + owner.port() + PATH);
        }

        void add(Waiting check) {
            final List<Waiting> batch;
            synchronized (this) {
                if (waiting.size() >= MAX_WAITING) {
                    check.decision.completeExceptionally(new OwnerBusyException(
                            MAX_WAITING + " checks are already waiting for the counter's owner"));
                    return;
                }
                waiting.add(check);
                batch = nextBatch();
            }
            send(batch);
        }

        /** Takes the next call's checks, if a call is free and any wait; the caller sends them. */
        private List<Waiting> nextBatch() {
            if (callsOut >= CALLS_PER_OWNER || waiting.isEmpty()) {
                return List.of();
            }
            callsOut++;
            final List<Waiting> batch = new ArrayList<>(Math.min(waiting.size(), MAX_BATCH));
            while (batch.size() < MAX_BATCH && !waiting.isEmpty()) {
                batch.add(waiting.poll());
            }
            return batch;
        }

        private void send(List<Waiting> batch) {
            if (batch.isEmpty()) {
                return;
            }
            try {
                senders.execute(() -> call(batch));
            } catch (RejectedExecutionException e) {
                fail(batch, new NoOtherOwnerException("this instance is stopping"));
            }
        }

        private void call(List<Waiting> batch) {
            try {
                answer(batch, exchange(batch));
            } catch (ConnectException e) {
                // nothing listens there: retrying every few milliseconds until the decision timeout would only
                // delay every request counted there, so the checks (and those waiting) get their failure mode now
                unreachable.refused(owner);
                final OwnerUnreachableException gone = new OwnerUnreachableException(uri + " refused the connection: "
                        + e.getMessage());
                fail(batch, gone);
                failAll(gone);
            } catch (IOException | RuntimeException e) {
                fail(batch, new NoOtherOwnerException("the owner did not answer: " + e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(batch, new NoOtherOwnerException("this instance is stopping"));
            }
            final List<Waiting> next;
            synchronized (this) {
                callsOut--;
                next = nextBatch();
            }
            send(next);
        }

        private RateLimitAnswerBatch exchange(List<Waiting> batch) throws IOException, InterruptedException {
            final List<RateLimitCheckRequested> checks = new ArrayList<>(batch.size());
            batch.forEach(waiting -> checks.add(waiting.check));
            final byte[] body = bytes(new RateLimitCheckBatch(checks).toByteBuffer());
            // a blocking send on a pool thread: the client's asynchronous send completes each response on a new
            // thread where the common pool has a single worker (two cores)
            final HttpResponse<byte[]> response = http.send(calls.request("POST", uri, body,
                            new InternalCalls.Caller(null, self.host(), false))
                    .header("Content-Type", MEDIA_TYPE).header("Accept", MEDIA_TYPE).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException("the owner answered " + response.statusCode());
            }
            return RateLimitAnswerBatch.fromByteBuffer(ByteBuffer.wrap(response.body()));
        }

        private void answer(List<Waiting> batch, RateLimitAnswerBatch answers) {
            if (answers.getAnswers().size() != batch.size()) {
                fail(batch, new NoOtherOwnerException("the owner answered " + answers.getAnswers().size()
                        + " of " + batch.size() + " checks"));
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                final RateLimitAnswer answer = answers.getAnswers().get(i);
                final CompletableFuture<RateLimitDecision> decision = batch.get(i).decision;
                if (answer.getDecision() != null) {
                    decision.complete(answer.getDecision());
                } else if (answer.getRefusal() == RateLimitRefusal.BACKLOG) {
                    decision.completeExceptionally(new OwnerBusyException(answer.getDetail()));
                } else {
                    decision.completeExceptionally(new NoOtherOwnerException(answer.getDetail()));
                }
            }
        }

        void failAll(RuntimeException error) {
            final List<Waiting> all;
            synchronized (this) {
                all = new ArrayList<>(waiting);
                waiting.clear();
            }
            fail(all, error);
        }

        private void fail(List<Waiting> batch, RuntimeException error) {
            batch.forEach(waiting -> waiting.decision.completeExceptionally(error));
        }
    }

    /**
     * The receiving end: decides the checks another instance sent, each whose counter this instance decides; the
     * others are refused, and their sender asks again or, once its time is up, applies the rule's failure mode.
     */
    public static ApiRoute route(CounterOwner owner, RuleCache rules) {
        return new ApiRoute(HandlerType.POST, PATH, "Rate limits", "Decide checks of counters this instance owns",
                false, ctx -> decide(ctx, owner, rules), ApiRoute.LimitedBy.NONE, MAX_BATCH_BYTES, ApiContract.none());
    }

    private static void decide(Context ctx, CounterOwner owner, RuleCache rules) {
        final List<RateLimitCheckRequested> checks;
        try {
            checks = RateLimitCheckBatch.fromByteBuffer(ByteBuffer.wrap(ctx.bodyAsBytes())).getChecks();
        } catch (IOException | RuntimeException e) {
            throw ProblemException.badRequest("the body is not a batch of checks: " + e.getMessage(), List.of());
        }
        final List<CompletableFuture<RateLimitAnswer>> answers = new ArrayList<>(checks.size());
        boolean allDone = true;
        for (RateLimitCheckRequested check : checks) {
            final RateLimitRule rule = rules.match(check.getDomain(), check.getDescriptor()).orElse(null);
            final CompletableFuture<RateLimitAnswer> answer = rule == null
                    ? CompletableFuture.completedFuture(decided(RateLimitDecisions.unlimited(check)))
                    : owner.decide(check, rule).handle((decision, error) -> error == null ? decided(decision)
                            : refused(rootOf(error)));
            allDone &= answer.isDone();
            answers.add(answer);
        }
        if (allDone) {
            respond(ctx, answers);
        } else {
            ctx.future(() -> CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                    .thenRun(() -> respond(ctx, answers)));
        }
    }

    private static RateLimitAnswer decided(RateLimitDecision decision) {
        return RateLimitAnswer.newBuilder().setDecision(decision).build();
    }

    private static RateLimitAnswer refused(Throwable error) {
        return RateLimitAnswer.newBuilder().setRefusal(error instanceof CounterOwner.BacklogException
                ? RateLimitRefusal.BACKLOG : RateLimitRefusal.NOT_OWNER)
                .setDetail(String.valueOf(error.getMessage())).build();
    }

    private static void respond(Context ctx, List<CompletableFuture<RateLimitAnswer>> answers) {
        final List<RateLimitAnswer> all = answers.stream().map(CompletableFuture::join).toList();
        try {
            ctx.contentType(MEDIA_TYPE).result(bytes(new RateLimitAnswerBatch(all).toByteBuffer()));
        } catch (IOException e) {
            throw new IllegalStateException("answers are always encodable", e);
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
