package io.eventline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every error as {@code application/problem+json}; logs only server errors, with their cause. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private final ObjectMapper json;

    public Problems(ObjectMapper json) {
        this.json = json;
    }

    public void write(ProblemException problem, Context ctx) {
        final ObjectNode body = body(problem, ctx.path());
        problem.headers().forEach(ctx::header);
        // JSON is UTF-8; written as a string, a problem's text would take the server's default, ISO-8859-1, since
        // application/problem+json names no charset
        ctx.status(problem.status()).contentType(CONTENT_TYPE)
                .result(body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The problem as JSON, e.g. inside a WebSocket frame; {@code instance} is what it is about. */
    public ObjectNode body(ProblemException problem, String instance) {
        final ObjectNode body = json.createObjectNode();
        body.put("type", problem.type());
        body.put("title", problem.title());
        body.put("status", problem.status());
        if (problem.getMessage() != null) {
            body.put("detail", problem.getMessage());
        }
        if (instance != null) {
            body.put("instance", instance);
        }
        if (!problem.errors().isEmpty()) {
            final ArrayNode errors = body.putArray("errors");
            problem.errors().forEach(e -> errors.addObject().put("pointer", e.pointer()).put("detail", e.detail()));
        }
        return body;
    }

    /** Javalin's own errors (404 route, 405, 413 body too large, ...) in the same shape. */
    public void write(HttpResponseException e, Context ctx) {
        final int status = e.getStatus();
        final String slug = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "body-too-large";
            case 415 -> "unsupported-media-type";
            default -> "http-" + status;
        };
        final String detail = status == 413 ? "the request body is larger than the limit" : e.getMessage();
        write(new ProblemException(status, slug, titleOf(status), detail, List.of(), java.util.Map.of()), ctx);
    }

    public void writeUnexpected(Exception e, Context ctx) {
        LOG.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
        write(new ProblemException(500, "internal-error", "Internal error",
                "the server failed to handle the request"), ctx);
    }

    static String titleOf(int status) {
        return switch (status) {
            case 400 -> "Invalid request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 409 -> "Conflict";
            case 413 -> "Request body too large";
            case 415 -> "Unsupported media type";
            case 426 -> "Upgrade required";
            case 503 -> "Service unavailable";
            default -> "HTTP " + status;
        };
    }
}
