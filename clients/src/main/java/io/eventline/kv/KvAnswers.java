package io.eventline.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

/** Reads the server's answers: JSON bodies into the client's records, problems into exceptions. */
final class KvAnswers {
    private static final int MAX_DETAIL_CHARS = 500;

    private final ObjectMapper json;
    private final URI base;

    KvAnswers(ObjectMapper json, URI base) {
        this.json = json;
        this.base = base;
    }

    /** The answer's JSON body; a body that is not JSON is a {@link KvException} with the answer's status. */
    JsonNode body(HttpResponse<byte[]> answer) {
        try {
            final JsonNode node = json.readTree(answer.body());
            if (node == null || !node.isObject()) {
                throw unreadable(answer, "not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw unreadable(answer, e.getMessage());
        }
    }

    KvNamespace namespace(JsonNode node) {
        return new KvNamespace(text(node, "namespace"), text(node, "owner"), node.path("maxKeys").asLong(),
                node.path("maxBytes").asLong(), node.path("keys").asLong(), node.path("bytes").asLong(),
                instant(node, "createdAt").orElse(null));
    }

    KvPutResult putResult(HttpResponse<byte[]> answer) {
        final JsonNode node = body(answer);
        final String etag = Optional.ofNullable(text(node, "etag"))
                .or(() -> answer.headers().firstValue("ETag")).orElse(null);
        return new KvPutResult(text(node, "namespace"), text(node, "key"), etag, node.path("size").asLong(),
                text(node, "contentType"), instant(node, "updatedAt").orElse(null), instant(node, "expiresAt"),
                answer.statusCode() == 201);
    }

    KvKeyInfo keyInfo(JsonNode node) {
        return new KvKeyInfo(text(node, "key"), text(node, "etag"), node.path("size").asLong(),
                text(node, "contentType"), instant(node, "updatedAt").orElse(null), instant(node, "expiresAt"));
    }

    /** The exception an answer outside the expected ones stands for. */
    KvException problem(HttpResponse<byte[]> answer) {
        final int status = answer.statusCode();
        final Optional<Duration> retryAfter = retryAfter(answer);
        if (status == 202) {
            return pending(answer);
        }
        JsonNode node = null;
        try {
            node = json.readTree(answer.body());
        } catch (IOException e) {
            // not JSON: a proxy's page, or the answer of something that is not Eventline; its text is the detail
        }
        if (node == null || !node.isObject()) {
            return new KvException(status, "", "", snippet(answer.body()), retryAfter);
        }
        final String type = text(node, "type");
        final String title = text(node, "title");
        final String detail = text(node, "detail");
        final String slug = type == null ? "" : type.substring(type.lastIndexOf('/') + 1);
        if (status == 412) {
            return new KvConflictException(type, title, detail, retryAfter);
        }
        if (status == 409 && "quota-exceeded".equals(slug)) {
            return new KvQuotaExceededException(type, title, detail, retryAfter);
        }
        return new KvException(status, type, title, detail, retryAfter);
    }

    private KvPendingException pending(HttpResponse<byte[]> answer) {
        String eventId = null;
        try {
            final JsonNode node = json.readTree(answer.body());
            eventId = node == null ? null : text(node, "eventId");
        } catch (IOException e) {
            // the Location header alone names the operation
        }
        final Optional<String> location = answer.headers().firstValue("Location");
        if (eventId == null && location.isPresent()) {
            eventId = location.get().substring(location.get().lastIndexOf('/') + 1);
        }
        final URI operation = base.resolve(location.orElse("/api/v1/operations/" + KvPaths.encode(
                eventId == null ? "" : eventId)));
        return new KvPendingException(eventId, operation);
    }

    static Optional<Duration> retryAfter(HttpResponse<?> answer) {
        return answer.headers().firstValue("Retry-After").flatMap(value -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: Eventline sends seconds
            }
        });
    }

    static String text(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private KvException unreadable(HttpResponse<byte[]> answer, String why) {
        return new KvException(answer.statusCode(), "", "Unreadable answer",
                why + ": " + snippet(answer.body()), Optional.empty());
    }

    private static Optional<Instant> instant(JsonNode node, String field) {
        final String value = text(node, field);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw new KvException(0, "", "Unreadable answer",
                    String.format(Locale.ROOT, "%s is not an ISO-8601 instant: %s", field, value), Optional.empty());
        }
    }

    private static String snippet(byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
    }
}
