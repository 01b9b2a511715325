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
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Reads the server's answers: JSON bodies into the client's records, problems into exceptions. */
final class KvAnswers {
    /** The content type of a value put without one. */
    static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
    private static final int MAX_DETAIL_CHARS = 500;

    private final ObjectMapper json;
    private final URI base;

    KvAnswers(ObjectMapper json, URI base) {
        this.json = json;
        this.base = base;
    }

    /**
     * The answer's JSON body as {@code reader} reads it; a body that is not a JSON object, or holds a time or
     * value it cannot read, is a {@link KvException} with the answer's status.
     */
    <T> T read(HttpResponse<byte[]> answer, Function<JsonNode, T> reader) {
        final JsonNode node;
        try {
            node = json.readTree(answer.body());
        } catch (IOException e) {
            throw unreadable(answer, e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw unreadable(answer, "not a JSON object");
        }
        try {
            return reader.apply(node);
        } catch (DateTimeParseException | IllegalArgumentException e) {
            throw unreadable(answer, e.getMessage());
        }
    }

    /** A {@code 300} answer's siblings, as the exception a read of them throws. */
    KvSiblingsException siblings(JsonNode node) {
        final java.util.List<KvValue> siblings = new java.util.ArrayList<>();
        for (JsonNode sibling : node.path("siblings")) {
            final String value = text(sibling, "value");
            if (value == null) {
                throw new IllegalArgumentException("a sibling without a value");
            }
            siblings.add(new KvValue(java.util.Base64.getDecoder().decode(value),
                    text(sibling, "contentType"), text(sibling, "etag"), java.util.Optional.empty(), false));
        }
        if (siblings.isEmpty()) {
            throw new IllegalArgumentException("a 300 answer without siblings");
        }
        return new KvSiblingsException(text(node, "etag"), siblings);
    }

    KvNamespaceUsage namespace(JsonNode node) {
        return new KvNamespaceUsage(text(node, "namespace"), text(node, "owner"), node.path("maxKeys").asLong(),
                node.path("maxBytes").asLong(), node.path("keys").asLong(), node.path("bytes").asLong(),
                instant(node, "createdAt").orElse(null));
    }

    KvPutResult putResult(JsonNode node, HttpResponse<byte[]> answer) {
        final String etag = Optional.ofNullable(text(node, "etag"))
                .or(() -> answer.headers().firstValue("ETag")).orElse(null);
        return new KvPutResult(text(node, "namespace"), text(node, "key"), etag, node.path("size").asLong(),
                text(node, "contentType"), instant(node, "updatedAt").orElse(null), instant(node, "expiresAt"),
                answer.statusCode() == 201);
    }

    KvPage page(JsonNode node) {
        final List<KvKeyInfo> items = new ArrayList<>();
        for (JsonNode item : node.path("items")) {
            items.add(new KvKeyInfo(text(item, "key"), text(item, "etag"), item.path("size").asLong(),
                    text(item, "contentType"), instant(item, "updatedAt").orElse(null), instant(item, "expiresAt")));
        }
        return new KvPage(items, Optional.ofNullable(text(node, "nextCursor")));
    }

    /** The found items of a batch read, by key. */
    Map<String, KvValue> batch(JsonNode node) {
        final Map<String, KvValue> found = new HashMap<>();
        final Base64.Decoder base64 = Base64.getDecoder();
        for (JsonNode item : node.path("items")) {
            final String key = text(item, "key");
            if (key == null || !item.path("found").asBoolean(false)) {
                continue;
            }
            final String value = text(item, "value");
            final String contentType = text(item, "contentType");
            found.put(key, new KvValue(value == null ? new byte[0] : base64.decode(value),
                    contentType == null ? DEFAULT_CONTENT_TYPE : contentType, text(item, "etag"),
                    Optional.empty(), false));
        }
        return found;
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
        return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
    }

    private static String snippet(byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8).strip();
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
    }
}
