package io.eventline.operations;

import java.time.Instant;

/** Builders of operation outcomes, so every domain words them alike. */
public final class Outcomes {
    private static final String PROBLEM_BASE = "https://eventline.dev/problems/";

    private Outcomes() {
    }

    public static OperationOutcome accepted(String eventId, String userId, int httpStatus, String resultJson,
                                            Instant at) {
        return OperationOutcome.newBuilder().setEventId(eventId).setTimestamp(at).setUserId(userId)
                .setStatus(OperationStatus.ACCEPTED).setHttpStatus(httpStatus).setResultJson(resultJson).build();
    }

    /** A rejection; {@code slug} names the problem type, e.g. {@code code-taken}. */
    public static OperationOutcome rejected(String eventId, String userId, int httpStatus, String slug, String title,
                                            String detail, Instant at) {
        final Problem problem = Problem.newBuilder().setType(PROBLEM_BASE + slug).setTitle(title)
                .setStatus(httpStatus).setDetail(detail).build();
        return OperationOutcome.newBuilder().setEventId(eventId).setTimestamp(at).setUserId(userId)
                .setStatus(OperationStatus.REJECTED).setHttpStatus(httpStatus).setProblem(problem).build();
    }

    public static OperationOutcome pending(String eventId, String userId, Instant at) {
        return OperationOutcome.newBuilder().setEventId(eventId).setTimestamp(at).setUserId(userId)
                .setStatus(OperationStatus.PENDING).setHttpStatus(202).build();
    }

    public static boolean isTerminal(OperationOutcome outcome) {
        return outcome.getStatus() != OperationStatus.PENDING;
    }
}
