package io.eventline.operations;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** JSON views of operation outcomes. */
final class OutcomeJson {
    private OutcomeJson() {
    }

    static ProblemException problemOf(OperationOutcome outcome) {
        final Problem problem = outcome.getProblem();
        if (problem == null) {
            return new ProblemException(outcome.getHttpStatus(), "rejected", "Rejected", null);
        }
        return new ProblemException(problem.getStatus(), problem.getType(), problem.getTitle(), problem.getDetail(),
                List.of(), Map.of());
    }

    /** {@code {"eventId","status","result"?,"problem"?}} for {@code GET /api/v1/operations/{eventId}}. */
    static ObjectNode of(OperationOutcome outcome, ObjectMapper json) throws JsonProcessingException {
        final ObjectNode node = json.createObjectNode();
        node.put("eventId", outcome.getEventId());
        node.put("status", outcome.getStatus().name().toLowerCase(Locale.ROOT));
        if (outcome.getResultJson() != null) {
            node.set("result", json.readTree(outcome.getResultJson()));
        }
        final Problem problem = outcome.getProblem();
        if (problem != null) {
            final ObjectNode p = node.putObject("problem");
            p.put("type", problem.getType());
            p.put("title", problem.getTitle());
            p.put("status", problem.getStatus());
            if (problem.getDetail() != null) {
                p.put("detail", problem.getDetail());
            }
        }
        return node;
    }
}
