package io.eventline.operations;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/** {@code GET /api/v1/operations/{eventId}}: what became of an earlier write. */
public final class OperationRoutes {
    private final QueryRouter router;
    private final ObjectMapper json;
    /** The outcomes' store holds each outcome on the partition its topic placed it on. */
    private final OutcomeStreamPartitioner partitioner = new OutcomeStreamPartitioner();

    public OperationRoutes(QueryRouter router, ObjectMapper json) {
        this.router = router;
        this.json = json;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.api(HandlerType.GET, "/api/v1/operations/{eventId}", "operations",
                "Status of an accepted write that was still pending when its request returned 202", this::get)
                .answers(200, "The operation's state", OperationSchemas.OPERATION));
    }

    private void get(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String eventId = ctx.pathParam("eventId");
        router.answer(ctx, OperationStores.OUTCOMES, eventId, partitioner, (c, stores) -> {
            final KeyValue<Long, OperationOutcome> kept = OperationStores.outcome(
                    stores.window(OperationStores.OUTCOMES), eventId);
            final OperationOutcome outcome = kept == null ? null : kept.value;
            // another user's operation is reported as absent, so IDs reveal nothing
            if (outcome == null || (outcome.getUserId() != null && !caller.mayRead(outcome.getUserId()))) {
                throw ProblemException.notFound("no operation " + eventId);
            }
            c.contentType("application/json").result(OutcomeJson.of(outcome, json).toString());
        });
    }
}
