package io.eventline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.eventline.http.ProblemException.FieldError;
import java.util.List;

/** Reads request bodies as JSON objects, turning malformed input into 400 problems. */
public final class JsonBodies {
    private final ObjectMapper json;

    public JsonBodies(ObjectMapper json) {
        this.json = json;
    }

    public JsonNode object(Context ctx) {
        final byte[] body = ctx.bodyAsBytes();
        if (body.length == 0) {
            throw ProblemException.badRequest("a JSON object body is required", List.of());
        }
        final JsonNode node;
        try {
            node = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the body is not valid JSON: " + e.getOriginalMessage(), List.of());
        } catch (java.io.IOException e) {
            throw ProblemException.badRequest("the body could not be read", List.of());
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.badRequest("the body must be a JSON object", List.of());
        }
        return node;
    }

    /** Parses JSON text from a query parameter or header; malformed text is a 400. */
    public JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("not valid JSON: " + e.getOriginalMessage(), List.of());
        }
    }

    /** Page size from {@code ?limit=}: default 20, at most 100. */
    public static int limit(Context ctx) {
        final String raw = ctx.queryParam("limit");
        if (raw == null) {
            return 20;
        }
        try {
            final int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= 100) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw ProblemException.badRequest("limit must be an integer from 1 to 100",
                List.of(new ProblemException.FieldError("/limit", "must be an integer from 1 to 100")));
    }

    /**
     * The string field {@code field} of {@code body}; null, with the defect added to {@code errors}, if it is
     * missing or not a string.
     */
    public static String requiredText(JsonNode body, String field, List<FieldError> errors) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            errors.add(new FieldError("/" + field, "is required"));
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError("/" + field, "must be a string"));
            return null;
        }
        return value.asText();
    }
}
