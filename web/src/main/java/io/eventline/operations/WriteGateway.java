package io.eventline.operations;

import io.eventline.clients.EventProducer;
import io.eventline.http.ProblemException;
import io.eventline.http.Problems;
import io.eventline.topics.Topic;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write path every endpoint shares: produce the event, await the stream's outcome for it, and answer with
 * that outcome; past the deadline, answer {@code 202} with {@code Location: /api/v1/operations/{eventId}}.
 */
public final class WriteGateway {
    public static final String OPERATIONS_PATH = "/api/v1/operations/";
    private static final Logger LOG = LoggerFactory.getLogger(WriteGateway.class);

    private final EventProducer producer;
    private final ReplyListener<OperationOutcome> outcomes;
    private final Problems problems;
    private final Duration awaitTimeout;
    private final Clock clock;
    private final Executor responders;

    /**
     * @param responders where answers are written; outcomes arrive on one listener thread, which must not
     *                   write every HTTP response itself
     */
    public WriteGateway(EventProducer producer, ReplyListener<OperationOutcome> outcomes, Problems problems, Duration awaitTimeout,
                        Clock clock, Executor responders) {
        this.producer = producer;
        this.outcomes = outcomes;
        this.problems = problems;
        this.awaitTimeout = awaitTimeout;
        this.clock = clock;
        this.responders = responders;
    }

    /** Sends {@code event} (whose ID is {@code eventId}) to {@code topic} and answers {@code ctx} with its outcome. */
    public <V extends SpecificRecord> void submit(Context ctx, Topic<V> topic, String eventId, String userId,
                                                  V event) {
        submit(ctx, topic, eventId, userId, event, null);
    }

    /**
     * As {@link #submit(Context, Topic, String, String, SpecificRecord)}; a {@code 201} answer also carries
     * {@code Location: createdLocation} when that is not null.
     */
    public <V extends SpecificRecord> void submit(Context ctx, Topic<V> topic, String eventId, String userId,
                                                  V event, String createdLocation) {
        answer(ctx, topic, eventId, userId, event, createdLocation, false);
    }

    /**
     * As {@link #submit(Context, Topic, String, String, SpecificRecord)} for a write whose answer is the resource
     * at {@code location}, either created ({@code 201}) or found already there ({@code 200}): both carry
     * {@code Location}.
     */
    public <V extends SpecificRecord> void submitForResource(Context ctx, Topic<V> topic, String eventId,
                                                             String userId, V event, String location) {
        answer(ctx, topic, eventId, userId, event, location, true);
    }

    /** Answers an accepted outcome in a way of the route's own (headers derived from its result). */
    @FunctionalInterface
    public interface AcceptedAnswer {
        void answer(Context ctx, OperationOutcome accepted) throws Exception;
    }

    /**
     * As {@link #submit(Context, Topic, String, String, SpecificRecord)}, an accepted outcome answered by
     * {@code accepted}; rejections and pending writes are answered as everywhere else.
     */
    public <V extends SpecificRecord> void submitAnswering(Context ctx, Topic<V> topic, String eventId,
                                                           String userId, V event, AcceptedAnswer accepted) {
        answer(ctx, topic, eventId, userId, event, accepted);
    }

    /**
     * Sends {@code event} to {@code topic} and completes with its final outcome, or with the pending marker (also
     * produced, so {@code GET /api/v1/operations/{eventId}} reports it) when none came within the wait; completes
     * exceptionally when the event could not be stored. For callers that answer elsewhere than in an HTTP response.
     */
    public <V extends SpecificRecord> CompletableFuture<OperationOutcome> await(Topic<V> topic, String eventId,
                                                                                String userId, V event) {
        final CompletableFuture<OperationOutcome> outcome = outcomes.expect(eventId);
        final long deadline = System.nanoTime() + awaitTimeout.toNanos();
        // every stage leaves the producer's I/O thread: a send from inside its callback would wait on itself
        return producer.send(topic, event)
                .thenComposeAsync(acked -> outcome
                        .completeOnTimeout(null, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS),
                        responders)
                .thenComposeAsync(result -> result != null
                        ? CompletableFuture.completedFuture(result)
                        : markPending(eventId, userId), responders)
                .whenComplete((result, error) -> {
                    if (error != null) {
                        outcomes.forget(eventId);
                    }
                });
    }

    /**
     * Waits up to {@code wait} for the broker to acknowledge {@code sent}, for a write answered in the request
     * thread; when it fails or is not acknowledged in time, a 503 with {@code Retry-After} asks the client to retry.
     */
    public static void requireStored(CompletableFuture<?> sent, Duration wait) throws InterruptedException {
        try {
            sent.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("A write was not acknowledged as stored within {}", wait, e);
            throw ProblemException.unavailable("the change could not be confirmed as stored; retry it", 1);
        }
    }

    /** The problem a rejected outcome reports. */
    public static ProblemException problemOf(OperationOutcome outcome) {
        return OutcomeJson.problemOf(outcome);
    }

    private <V extends SpecificRecord> void answer(Context ctx, Topic<V> topic, String eventId, String userId,
                                                   V event, String location, boolean locateExisting) {
        answer(ctx, topic, eventId, userId, event, (c, outcome) -> accepted(c, outcome, location, locateExisting));
    }

    private <V extends SpecificRecord> void answer(Context ctx, Topic<V> topic, String eventId, String userId,
                                                   V event, AcceptedAnswer onAccepted) {
        ctx.future(() -> await(topic, eventId, userId, event)
                .handleAsync((result, error) -> {
                    if (error != null) {
                        LOG.warn("Write {} was not stored", eventId, error);
                        problems.write(ProblemException.unavailable(
                                "the request could not be stored; nothing was written, retry it", 1), ctx);
                    } else {
                        respond(ctx, result, onAccepted);
                    }
                    return null;
                }, responders));
    }

    private CompletableFuture<OperationOutcome> markPending(String eventId, String userId) {
        outcomes.forget(eventId);
        final OperationOutcome pending = Outcomes.pending(eventId, userId, clock.instant());
        return producer.send(OperationTopics.OUTCOMES, pending).thenApply(acked -> pending);
    }

    private void respond(Context ctx, OperationOutcome outcome, AcceptedAnswer onAccepted) {
        switch (outcome.getStatus()) {
            case ACCEPTED -> {
                try {
                    onAccepted.answer(ctx, outcome);
                } catch (ProblemException e) {
                    problems.write(e, ctx);
                } catch (Exception e) {
                    problems.writeUnexpected(e, ctx);
                }
            }
            case REJECTED -> problems.write(OutcomeJson.problemOf(outcome), ctx);
            case PENDING -> ctx.status(202).header("Location", OPERATIONS_PATH + outcome.getEventId())
                    .contentType("application/json")
                    .result("{\"eventId\":\"" + outcome.getEventId() + "\",\"status\":\"pending\"}");
            default -> throw new IllegalStateException("unknown status " + outcome.getStatus());
        }
    }

    private static void accepted(Context ctx, OperationOutcome outcome, String location, boolean locateExisting) {
        final int status = outcome.getHttpStatus();
        ctx.status(status);
        if (status == 204) {
            // no content, so no content type either: Javalin presets its default on every response
            ctx.res().setContentType(null);
            return;
        }
        if (location != null && (status == 201 || status == 200 && locateExisting)) {
            ctx.header("Location", location);
        }
        ctx.contentType("application/json")
                .result(outcome.getResultJson() == null ? "{}" : outcome.getResultJson());
    }
}
