package io.eventline.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import java.util.ArrayList;
import java.util.List;

/** Reads and validates the body of {@code POST /api/v1/ratelimit/check} and descriptor query parameters. */
final class CheckRequests {
    static final int MAX_DESCRIPTORS = 16;
    static final int MAX_ENTRIES = 8;
    static final int MAX_HITS = 1_000_000;
    private static final int MAX_KEY = 64;
    private static final int MAX_VALUE = 512;

    /** A validated check. */
    record Check(String requestId, String domain, List<List<DescriptorEntry>> descriptors, int hits) {
    }

    private CheckRequests() {
    }

    static Check parse(JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        final String domain = text(body, "domain", errors);
        if (domain != null && !domain.matches("[A-Za-z0-9_.-]{1,64}")) {
            errors.add(new FieldError("/domain", "must be 1-64 of [A-Za-z0-9_.-]"));
        }
        final List<List<DescriptorEntry>> descriptors = new ArrayList<>();
        final JsonNode list = body.get("descriptors");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > MAX_DESCRIPTORS) {
            errors.add(new FieldError("/descriptors", "must be an array of 1-" + MAX_DESCRIPTORS
                    + " descriptors, each an array of {\"key\", \"value\"}"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                descriptors.add(descriptor(list.get(i), "/descriptors/" + i, errors));
            }
        }
        int hits = 1;
        final JsonNode rawHits = body.get("hits");
        if (rawHits != null && !rawHits.isNull()) {
            if (!rawHits.canConvertToInt() || !rawHits.isIntegralNumber() || rawHits.asInt() < 0
                    || rawHits.asInt() > MAX_HITS) {
                errors.add(new FieldError("/hits", "must be an integer from 0 to " + MAX_HITS));
            } else {
                hits = rawHits.asInt();
            }
        }
        String requestId = null;
        final JsonNode rawId = body.get("requestId");
        if (rawId != null && !rawId.isNull()) {
            if (!rawId.isTextual() || !rawId.asText().matches("[A-Za-z0-9_.:-]{1,128}")) {
                errors.add(new FieldError("/requestId", "must be 1-128 of [A-Za-z0-9_.:-]"));
            } else {
                requestId = rawId.asText();
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the check request is invalid", errors);
        }
        return new Check(requestId, domain, descriptors, hits);
    }

    /** {@code key=value,key=value} or a JSON array of {@code {"key","value"}}, as in a query parameter. */
    static List<DescriptorEntry> parseQuery(String raw, JsonNode asJson) {
        final List<FieldError> errors = new ArrayList<>();
        final List<DescriptorEntry> entries = new ArrayList<>();
        if (asJson != null) {
            entries.addAll(descriptor(asJson, "/descriptor", errors));
        } else if (raw == null || raw.isBlank()) {
            errors.add(new FieldError("/descriptor", "is required, e.g. user=alice or endpoint=GET /{code},ip=1.2.3.4"));
        } else {
            for (String pair : raw.split(",")) {
                final int eq = pair.indexOf('=');
                if (eq <= 0) {
                    errors.add(new FieldError("/descriptor", "'" + pair + "' is not key=value"));
                } else {
                    entries.add(entry(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim(), "/descriptor",
                            errors));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the descriptor is invalid", errors);
        }
        return entries;
    }

    private static List<DescriptorEntry> descriptor(JsonNode node, String pointer, List<FieldError> errors) {
        final List<DescriptorEntry> entries = new ArrayList<>();
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > MAX_ENTRIES) {
            errors.add(new FieldError(pointer, "must be an array of 1-" + MAX_ENTRIES + " {\"key\", \"value\"}"));
            return entries;
        }
        for (int i = 0; i < node.size(); i++) {
            final JsonNode item = node.get(i);
            final String at = pointer + "/" + i;
            if (!item.isObject() || !item.path("key").isTextual() || !item.path("value").isTextual()) {
                errors.add(new FieldError(at, "must be {\"key\": string, \"value\": string}"));
            } else {
                entries.add(entry(item.get("key").asText(), item.get("value").asText(), at, errors));
            }
        }
        return entries;
    }

    private static DescriptorEntry entry(String key, String value, String pointer, List<FieldError> errors) {
        if (key.isEmpty() || key.length() > MAX_KEY || key.indexOf(RateLimitKeys.SEPARATOR) >= 0) {
            errors.add(new FieldError(pointer + "/key", "must be 1-" + MAX_KEY + " characters without NUL"));
        }
        if (value.isEmpty() || value.length() > MAX_VALUE || value.indexOf(RateLimitKeys.SEPARATOR) >= 0) {
            errors.add(new FieldError(pointer + "/value", "must be 1-" + MAX_VALUE + " characters without NUL"));
        }
        return new DescriptorEntry(key, value);
    }

    private static String text(JsonNode body, String field, List<FieldError> errors) {
        final JsonNode node = body.get(field);
        if (node == null || !node.isTextual()) {
            errors.add(new FieldError("/" + field, "is required and must be a string"));
            return null;
        }
        return node.asText();
    }
}
