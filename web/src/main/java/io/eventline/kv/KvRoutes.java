package io.eventline.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonBodies;
import io.eventline.http.JsonSchema;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The key-value store's writes: namespaces and keys, each an event on {@code kv.writes.v1} answered with its
 * outcome, the value's {@code ETag} and the caller's {@code Eventline-Consistency-Token}. Reads are
 * {@link KvReads}'.
 */
public final class KvRoutes {
    static final String NAMESPACE_PATH = "/api/v1/kv/{namespace}";
    static final String KEY_PATH = "/api/v1/kv/{namespace}/{key}";
    public static final String TTL_HEADER = "Eventline-TTL";
    /** Ten years: a longer TTL is a mistake, not a plan. */
    private static final long MAX_TTL_SECONDS = Duration.ofDays(3650).toSeconds();

    private final WriteGateway writes;
    private final SnowflakeIdGenerator ids;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Clock clock;
    private final KvReads reads;

    public KvRoutes(RouteServices services, KvReads reads) {
        this.writes = services.writes();
        this.ids = services.ids();
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.clock = services.clock();
        this.reads = reads;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.PUT, NAMESPACE_PATH, "kv",
                        "Create a namespace owned by the caller (201), or change its quotas or conflict policy (200)",
                        this::putNamespace).body(KvSchemas.QUOTAS)
                        .answers(201, "The new namespace", KvSchemas.NAMESPACE)
                        .answers(200, "The namespace with its new quotas", KvSchemas.NAMESPACE).mayPend(),
                ApiRoute.api(HandlerType.GET, NAMESPACE_PATH, "kv",
                        "The namespace's usage against its quotas; with prefix, cursor or limit a page of its keys; "
                                + "with keys=a,b up to 100 values", reads::namespace)
                        .query("prefix", "List the keys that start with this", JsonSchema.string())
                        .query("keys", "Comma-separated keys to read at once (at most 100)", JsonSchema.string())
                        .query("consistency", "strong (the default) or eventual", JsonSchema.oneOf("strong",
                                "eventual"))
                        .paged()
                        .answers(200, "Usage (no query), a page of keys (prefix, cursor, limit) or the values asked for "
                                + "(keys)", KvSchemas.NAMESPACE_READ),
                ApiRoute.api(HandlerType.DELETE, NAMESPACE_PATH, "kv", "Delete a namespace and all its keys",
                        this::deleteNamespace).answersEmpty(204, "Deleted").mayPend(),
                ApiRoute.api(HandlerType.PUT, KEY_PATH, "kv",
                        "Write a value (any content type, at most 1 MiB); Eventline-TTL, If-Match and "
                                + "If-None-Match: * apply", this::putKey).withMaxBodyBytes(KvNames.MAX_VALUE_BYTES)
                        .answers(201, "Created", KvSchemas.ENTRY).answers(200, "Replaced", KvSchemas.ENTRY)
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, KEY_PATH, "kv",
                        "Read a value as written, from the owner after the caller's consistency token (strong) or "
                                + "from any replica with its lag (eventual)", reads::key)
                        .query("consistency", "strong (the default) or eventual", JsonSchema.oneOf("strong",
                                "eventual"))
                        .answersMedia(200, "The value, with the Content-Type it was written with", "*/*")
                        .answers(300, "Siblings: writes made concurrently in two data centres, every one kept; a "
                                + "PUT with If-Match of this answer's ETag replaces them all", KvSchemas.SIBLINGS)
                        .answersEmpty(304, "Not modified: If-None-Match names the current ETag"),
                ApiRoute.api(HandlerType.DELETE, KEY_PATH, "kv", "Delete a key; If-Match applies", this::deleteKey)
                        .answersEmpty(204, "Deleted").mayPend());
    }

    static String namespace(Context ctx) {
        final String namespace = ctx.pathParam("namespace");
        if (KvNames.namespaceProblem(namespace) != null) {
            throw ProblemException.notFound("no namespace " + namespace);
        }
        return namespace;
    }

    static String key(Context ctx) {
        final String key = ctx.pathParam("key");
        final String problem = KvNames.keyProblem(key);
        if (problem != null) {
            throw invalid("/key", problem);
        }
        return key;
    }

    static ProblemException invalid(String pointer, String detail) {
        return ProblemException.badRequest(detail, List.of(new ProblemException.FieldError(pointer, detail)));
    }

    private KvWriteRequested.Builder write(Principal caller, KvOperation operation, String namespace) {
        return KvWriteRequested.newBuilder().setEventId(ids.nextIdString()).setTimestamp(clock.instant())
                .setPrincipal(caller.userId()).setAdmin(caller.isAdmin()).setOperation(operation)
                .setNamespace(namespace);
    }

    private void submit(Context ctx, Principal caller, KvWriteRequested event) {
        final ConsistencyToken seen = ConsistencyToken.parse(ctx.header(ConsistencyToken.HEADER));
        writes.submitAnswering(ctx, KvTopics.WRITES, event.getEventId(), caller.userId(), event,
                (c, outcome) -> answer(c, outcome, seen));
    }

    /** The outcome's result, its applied offset turned into the caller's token and the value's ETag. */
    private void answer(Context ctx, OperationOutcome outcome, ConsistencyToken seen) throws Exception {
        final ObjectNode result = (ObjectNode) json.readTree(outcome.getResultJson());
        final JsonNode applied = result.remove(KvJson.APPLIED);
        if (applied != null) {
            ctx.header(ConsistencyToken.HEADER, seen.with(applied.path("partition").asInt(),
                    applied.path("offset").asLong()).toString());
        }
        if (result.hasNonNull("etag") && outcome.getHttpStatus() != 204) {
            ctx.header("ETag", result.get("etag").asText());
        }
        ctx.status(outcome.getHttpStatus());
        if (outcome.getHttpStatus() == 204) {
            ctx.res().setContentType(null);
            return;
        }
        ctx.contentType("application/json").result(result.toString());
    }

    private void putNamespace(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String namespace = namespace(ctx);
        final KvWriteRequested.Builder event = write(caller, KvOperation.PUT_NAMESPACE, namespace);
        if (!ctx.body().isBlank()) {
            final JsonNode body = bodies.object(ctx);
            event.setMaxKeys(quota(body, "maxKeys")).setMaxBytes(quota(body, "maxBytes"))
                    .setConflicts(conflicts(body));
        }
        submit(ctx, caller, event.build());
    }

    private static KvConflictPolicy conflicts(JsonNode body) {
        final JsonNode value = body.get("conflicts");
        if (value == null || value.isNull()) {
            return null;
        }
        return KvJson.policy(value.asText()).orElseThrow(() -> invalid("/conflicts",
                "conflicts is siblings or last-writer-wins"));
    }

    private static Long quota(JsonNode body, String field) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 1) {
            throw invalid("/" + field, field + " is a whole number of at least 1");
        }
        return value.asLong();
    }

    private void deleteNamespace(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        submit(ctx, caller, write(caller, KvOperation.DELETE_NAMESPACE, namespace(ctx)).build());
    }

    private void putKey(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String namespace = namespace(ctx);
        final String key = key(ctx);
        final byte[] value = ctx.bodyAsBytes();
        if (value.length > KvNames.MAX_VALUE_BYTES) {
            throw new ProblemException(413, "too-large", "Value too large",
                    "a value is at most " + KvNames.MAX_VALUE_BYTES + " bytes");
        }
        final String contentType = ctx.header("Content-Type");
        final KvWriteRequested.Builder event = write(caller, KvOperation.PUT, namespace).setKey(key)
                .setValue(ByteBuffer.wrap(value))
                .setContentType(contentType == null || contentType.isBlank() ? "application/octet-stream"
                        : contentType)
                .setTtlSeconds(ttl(ctx.header(TTL_HEADER))).setIfMatch(ctx.header("If-Match"))
                .setCreateOnly(createOnly(ctx.header("If-None-Match")));
        submit(ctx, caller, event.build());
    }

    private static Long ttl(String header) {
        if (header == null) {
            return null;
        }
        try {
            final long seconds = Long.parseLong(header.trim());
            if (seconds >= 1 && seconds <= MAX_TTL_SECONDS) {
                return seconds;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid("/headers/" + TTL_HEADER, TTL_HEADER + " is a whole number of seconds, 1 to " + MAX_TTL_SECONDS);
    }

    private static boolean createOnly(String ifNoneMatch) {
        if (ifNoneMatch == null) {
            return false;
        }
        if (!ifNoneMatch.trim().equals("*")) {
            throw invalid("/headers/If-None-Match", "a write takes only If-None-Match: * (create only)");
        }
        return true;
    }

    private void deleteKey(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final String namespace = namespace(ctx);
        submit(ctx, caller, write(caller, KvOperation.DELETE, namespace).setKey(key(ctx))
                .setIfMatch(ctx.header("If-Match")).build());
    }
}
