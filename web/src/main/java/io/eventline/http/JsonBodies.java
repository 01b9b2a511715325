package io.eventline.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.eventline.http.ProblemException.FieldError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Reads request bodies as JSON objects, turning malformed input into 400 problems. */
public final class JsonBodies {
    /** The earliest instant a request may carry: before it, a time is a mistake, not a date. */
    public static final Instant EARLIEST_INSTANT = Instant.EPOCH;
    /**
     * The latest instant a request may carry: four-digit years only, far inside what events store as milliseconds
     * (a year of 10^9 overflows them).
     */
    public static final Instant LATEST_INSTANT = Instant.parse("9999-12-31T23:59:59.999Z");

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

    /**
     * The ISO-8601 instant in the string field {@code field} of {@code body}, from {@link #EARLIEST_INSTANT} to
     * {@link #LATEST_INSTANT}; {@code absent} when the field is missing or null, and also, with the defect added to
     * {@code errors}, when it is not such an instant.
     */
    public static Instant optionalInstant(JsonNode body, String field, Instant absent, List<FieldError> errors) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        final String expected = "must be an ISO-8601 instant from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, "
                + "such as 2026-01-01T00:00:00Z";
        if (!value.isTextual()) {
            errors.add(new FieldError("/" + field, expected));
            return absent;
        }
        try {
            final Instant instant = Instant.parse(value.textValue());
            if (!instant.isBefore(EARLIEST_INSTANT) && !instant.isAfter(LATEST_INSTANT)) {
                return instant;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.add(new FieldError("/" + field, expected));
        return absent;
    }
}
