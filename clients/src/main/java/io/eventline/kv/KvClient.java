package io.eventline.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A client of Eventline's key-value store ({@code /api/v1/kv}), and a consistency session: it keeps the newest
 * {@code Eventline-Consistency-Token} any answer carried and sends it with every request, so what this client
 * wrote or read it reads again (or newer) on any instance. Thread-safe; share one per session.
 *
 * <p>Failures are {@link KvException}s: {@link KvConflictException} for a refused condition ({@code 412}),
 * {@link KvQuotaExceededException} past a namespace's quota, {@link KvPendingException} for a write accepted but
 * not decided in time ({@code 202}), and the base type, with its status and problem slug, for the rest. A missing
 * key or namespace ({@code 404}, which is also what another user's is) is an empty answer, not an exception.
 *
 * <pre>{@code
 * KvClient kv = new KvClient(URI.create("http://localhost:8080"), token);
 * kv.createNamespace("carts", KvQuotas.defaults());
 *
 * KvPutResult put = kv.put("carts", "user:42", json, "application/json",
 *         KvPutOptions.none().ttl(Duration.ofHours(1)));
 * // the same session reads its own write, on whichever instance answers
 * KvValue cart = kv.get("carts", "user:42").orElseThrow();
 *
 * // optimistic update: replace only what was read
 * try {
 *     kv.put("carts", "user:42", updated, "application/json", KvPutOptions.none().ifMatch(cart.etag()));
 * } catch (KvConflictException e) {
 *     // someone else wrote it meanwhile: read again and retry
 * } catch (KvPendingException e) {
 *     // accepted, not decided yet: e.operation() reports the outcome
 * }
 *
 * KvPage page = kv.scan("carts", "user:", null, 100);
 * while (page.nextCursor().isPresent()) {
 *     page = kv.scan("carts", "user:", page.nextCursor().get(), 100);
 * }
 * Map<String, KvValue> some = kv.getAll("carts", List.of("user:42", "user:43"));
 * }</pre>
 */
public final class KvClient {
    /** The header that carries the session's consistency token both ways. */
    public static final String CONSISTENCY_TOKEN = "Eventline-Consistency-Token";
    /** Keys per batch read, the server's cap. */
    public static final int MAX_BATCH_KEYS = 100;
    /** How long a request waits for its answer unless told otherwise; a strong read may wait for replication. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    static final String TTL_HEADER = "Eventline-TTL";
    static final String REPLICA_LAG_HEADER = "Eventline-Replica-Lag-Ms";
    static final String STALE_HEADER = "Eventline-Stale";
    private static final String API = "api/v1/kv/";
    private static final String JSON_TYPE = "application/json";
    // keeps a batch's request line well inside the servers' usual 8 KiB header limit
    private static final int MAX_BATCH_QUERY_CHARS = 4_000;

    private final URI base;
    private final Supplier<String> token;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final ObjectMapper json;
    private final KvAnswers answers;
    private final AtomicReference<String> consistencyToken = new AtomicReference<>();

    /** A client of the Eventline at {@code baseUri} (e.g. {@code http://localhost:8080}) with this bearer token. */
    public KvClient(URI baseUri, String bearerToken) {
        this(baseUri, constant(bearerToken), defaultHttpClient(), DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * A client that asks {@code bearerToken} for the token of each request, so a long-lived session can renew it,
     * sends over {@code http} and gives a request up after {@code requestTimeout}.
     */
    public KvClient(URI baseUri, Supplier<String> bearerToken, HttpClient http, Duration requestTimeout) {
        Objects.requireNonNull(baseUri, "baseUri");
        final String uri = baseUri.toString();
        this.base = URI.create(uri.endsWith("/") ? uri : uri + "/");
        this.token = Objects.requireNonNull(bearerToken, "bearerToken");
        this.http = Objects.requireNonNull(http, "http");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.json = Json.mapper();
        this.answers = new KvAnswers(json, base);
    }

    /** The HTTP client a {@link KvClient} uses unless given one: HTTP/1.1, connects give up after 10 s. */
    public static HttpClient defaultHttpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The session's newest consistency token, once an answer carried one. */
    public Optional<String> consistencyToken() {
        return Optional.ofNullable(consistencyToken.get());
    }

    // ---- namespaces

    /**
     * Creates the namespace, or updates its quotas when it is already the caller's.
     *
     * @throws KvException {@code 409 namespace-taken} when another user owns it, {@code 403} for quotas above
     *                     the defaults without an admin token
     */
    public KvNamespaceUsage createNamespace(String namespace, KvQuotas quotas) {
        return createNamespace(namespace, quotas, null);
    }

    /**
     * As {@link #createNamespace(String, KvQuotas)}, also setting what concurrent writes in two data centres
     * become ({@code null} keeps the namespace's policy, siblings for a new one).
     */
    public KvNamespaceUsage createNamespace(String namespace, KvQuotas quotas, ConflictPolicy conflicts) {
        final ObjectNode body = json.createObjectNode();
        if (conflicts != null) {
            body.put("conflicts", conflicts.wireName());
        }
        quotas.maxKeys().ifPresent(n -> body.put("maxKeys", n));
        quotas.maxBytes().ifPresent(n -> body.put("maxBytes", n));
        final HttpRequest.Builder request = request(namespacePath(namespace)).header("Accept", JSON_TYPE);
        if (body.isEmpty()) {
            request.PUT(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", JSON_TYPE).PUT(HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        final HttpResponse<byte[]> answer = expect(send(request), 200, 201);
        return answers.read(answer, answers::namespace);
    }

    /** The namespace's quotas and usage; empty if it does not exist or is not the caller's. */
    public Optional<KvNamespaceUsage> namespace(String namespace) {
        final HttpResponse<byte[]> answer = send(request(namespacePath(namespace)).header("Accept", JSON_TYPE).GET());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(answers.read(expect(answer, 200), answers::namespace));
    }

    /** Deletes the namespace and every key in it; false if there was none of the caller's. */
    public boolean deleteNamespace(String namespace) {
        final HttpResponse<byte[]> answer = send(request(namespacePath(namespace)).DELETE());
        if (answer.statusCode() == 404) {
            return false;
        }
        expect(answer, 200, 204);
        return true;
    }

    // ---- values

    /** Stores {@code value} under {@code key}, unconditionally and with no expiry. */
    public KvPutResult put(String namespace, String key, byte[] value, String contentType) {
        return put(namespace, key, value, contentType, KvPutOptions.none());
    }

    /**
     * Stores {@code value} (at most 1 MiB, else {@code 413}) under {@code key}, with the content type to give it
     * back with ({@code application/octet-stream} when null).
     *
     * @throws KvConflictException       when a condition of {@code options} does not hold
     * @throws KvQuotaExceededException  when the namespace has no room for it
     * @throws KvPendingException        when the write was accepted but not decided in time
     */
    public KvPutResult put(String namespace, String key, byte[] value, String contentType, KvPutOptions options) {
        Objects.requireNonNull(value, "value");
        final HttpRequest.Builder request = request(keyPath(namespace, key))
                .header("Content-Type", contentType == null ? KvAnswers.DEFAULT_CONTENT_TYPE : contentType)
                .header("Accept", JSON_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(value));
        options.ttlSeconds().ifPresent(seconds -> request.header(TTL_HEADER, Long.toString(seconds)));
        options.ifMatch().ifPresent(etag -> request.header("If-Match", etag));
        if (options.createOnly()) {
            request.header("If-None-Match", "*");
        }
        final HttpResponse<byte[]> answer = expect(send(request), 200, 201);
        return answers.read(answer, node -> answers.putResult(node, answer));
    }

    /**
     * The value under {@code key} at the server's default consistency; empty if there is none.
     *
     * @throws KvSiblingsException when the key holds values written concurrently in two data centres
     */
    public Optional<KvValue> get(String namespace, String key) {
        return get(keyPath(namespace, key));
    }

    /**
     * The value under {@code key}, read at {@code consistency}; empty if there is none.
     *
     * @throws KvSiblingsException when the key holds values written concurrently in two data centres
     */
    public Optional<KvValue> get(String namespace, String key, Consistency consistency) {
        return get(keyPath(namespace, key) + "?consistency=" + consistency.queryValue());
    }

    private Optional<KvValue> get(String path) {
        final HttpResponse<byte[]> answer = send(request(path).GET());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        if (answer.statusCode() == 300) {
            throw answers.read(answer, answers::siblings);
        }
        expect(answer, 200);
        final Optional<Duration> lag = answer.headers().firstValue(REPLICA_LAG_HEADER).flatMap(KvClient::millis);
        final boolean stale = answer.headers().firstValue(STALE_HEADER).map(Boolean::parseBoolean).orElse(false);
        return Optional.of(new KvValue(answer.body(),
                answer.headers().firstValue("Content-Type").orElse(KvAnswers.DEFAULT_CONTENT_TYPE),
                answer.headers().firstValue("ETag").orElse(null), lag, stale));
    }

    /** Deletes the value under {@code key}; false if there was none. */
    public boolean delete(String namespace, String key) {
        return delete(request(keyPath(namespace, key)));
    }

    /**
     * Deletes the value under {@code key} if its ETag is {@code ifMatch}; false if there was none.
     *
     * @throws KvConflictException when the value has another ETag
     */
    public boolean delete(String namespace, String key, String ifMatch) {
        return delete(request(keyPath(namespace, key)).header("If-Match", Objects.requireNonNull(ifMatch)));
    }

    private boolean delete(HttpRequest.Builder request) {
        final HttpResponse<byte[]> answer = send(request.DELETE());
        if (answer.statusCode() == 404) {
            return false;
        }
        expect(answer, 200, 204);
        return true;
    }

    /**
     * One page of the keys that start with {@code prefix}, in key order.
     *
     * @param prefix the keys' common start; empty or null for all keys
     * @param cursor the previous page's {@link KvPage#nextCursor()}, or null for the first page
     * @param limit  keys per page, at most the server's cap (100)
     */
    public KvPage scan(String namespace, String prefix, String cursor, int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        // prefix and limit are always sent: without a query the same path reads the namespace's usage
        final StringBuilder path = new StringBuilder(namespacePath(namespace))
                .append("?prefix=").append(KvPaths.encode(prefix == null ? "" : prefix));
        if (cursor != null) {
            path.append("&cursor=").append(KvPaths.encode(cursor));
        }
        path.append("&limit=").append(limit);
        return answers.read(expect(send(request(path.toString()).header("Accept", JSON_TYPE).GET()), 200),
                answers::page);
    }

    /**
     * The values of {@code keys} that exist, by key in the order given. Reads up to {@link #MAX_BATCH_KEYS} keys
     * a request, fewer when they are long; a key holding a comma, which separates the batch's keys, is read on its
     * own.
     */
    public Map<String, KvValue> getAll(String namespace, Collection<String> keys) {
        final Set<String> wanted = new LinkedHashSet<>();
        for (String key : keys) {
            wanted.add(KvPaths.key(key));
        }
        final Map<String, KvValue> found = new LinkedHashMap<>();
        final List<String> batch = new ArrayList<>();
        int queryChars = 0;
        for (String key : wanted) {
            if (key.indexOf(',') >= 0) {
                get(namespace, key).ifPresent(value -> found.put(key, value));
                continue;
            }
            final String encoded = KvPaths.encode(key);
            if (!batch.isEmpty() && (batch.size() == MAX_BATCH_KEYS
                    || queryChars + encoded.length() + 1 > MAX_BATCH_QUERY_CHARS)) {
                readBatch(namespace, batch, found);
                batch.clear();
                queryChars = 0;
            }
            batch.add(encoded);
            queryChars += encoded.length() + 1;
        }
        if (!batch.isEmpty()) {
            readBatch(namespace, batch, found);
        }
        final Map<String, KvValue> ordered = new LinkedHashMap<>();
        for (String key : wanted) {
            final KvValue value = found.get(key);
            if (value != null) {
                ordered.put(key, value);
            }
        }
        return Collections.unmodifiableMap(ordered);
    }

    private void readBatch(String namespace, List<String> encodedKeys, Map<String, KvValue> found) {
        final String path = namespacePath(namespace) + "?keys=" + String.join(",", encodedKeys);
        found.putAll(answers.read(expect(send(request(path).header("Accept", JSON_TYPE).GET()), 200),
                answers::batch));
    }

    // ---- HTTP

    private String namespacePath(String namespace) {
        return API + KvPaths.encode(KvPaths.namespace(namespace));
    }

    private String keyPath(String namespace, String key) {
        return namespacePath(namespace) + "/" + KvPaths.encode(KvPaths.key(key));
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(requestTimeout);
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder builder) {
        builder.header("Authorization", "Bearer " + token.get());
        final String session = consistencyToken.get();
        if (session != null) {
            builder.header(CONSISTENCY_TOKEN, session);
        }
        final HttpRequest request = builder.build();
        final HttpResponse<byte[]> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw KvException.noAnswer(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw KvException.noAnswer(request.method() + " " + request.uri(), e);
        }
        // every answer may carry a newer token, errors included; the one that arrived last is kept
        answer.headers().firstValue(CONSISTENCY_TOKEN).filter(t -> !t.isBlank()).ifPresent(consistencyToken::set);
        return answer;
    }

    private HttpResponse<byte[]> expect(HttpResponse<byte[]> answer, int... statuses) {
        for (int status : statuses) {
            if (answer.statusCode() == status) {
                return answer;
            }
        }
        throw answers.problem(answer);
    }

    private static Optional<Duration> millis(String header) {
        try {
            return Optional.of(Duration.ofMillis(Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty(); // a lag it cannot read does not make the value unreadable
        }
    }

    private static Supplier<String> constant(String bearerToken) {
        Objects.requireNonNull(bearerToken, "bearerToken");
        return () -> bearerToken;
    }
}
