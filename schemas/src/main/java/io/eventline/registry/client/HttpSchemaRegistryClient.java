package io.eventline.registry.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.serde.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, using the JDK's HTTP client.
 * Thread-safe. Registrations are cached per subject and schema, schemas per ID, since neither ever changes
 * meaning once the registry has assigned it. Error bodies of the form {@code {"error_code":..,"message":..}}
 * surface as {@link SchemaRegistryException} with that code; transport failures with code -1. Given a
 * {@code user:password}, as Confluent's clients take it in {@code basic.auth.user.info}, it sends HTTP Basic
 * credentials with every request.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
    /** The media type of the registry API, sent on every request. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How long a schema read waits out a registry that cannot answer; well inside a consumer's poll interval. */
    public static final Duration READ_RETRY_BUDGET = Duration.ofSeconds(60);
    /** How long a registration is asked again: it may hold up a write, so less than a read. */
    static final Duration REGISTER_RETRY_BUDGET = Duration.ofSeconds(10);
    private static final long FIRST_RETRY_PAUSE_MILLIS = 100;
    private static final long MAX_RETRY_PAUSE_MILLIS = 5_000;
    private static final int MAX_ERROR_BODY = 500;

    private final String baseUrl;
    private final Duration timeout;
    private final Duration readRetryBudget;
    private final HttpClient http;
    private final Optional<String> authorization;
    private final ObjectMapper json;
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();

    /** A client for the registry at {@code baseUrl}, e.g. {@code http://localhost:8081}, that sends no credentials. */
    public HttpSchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_TIMEOUT);
    }

    /** A client whose connects and requests each give up after {@code timeout}. */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout) {
        this(baseUrl, timeout, Optional.empty());
    }

    /** A client that sends {@code basicAuthUserInfo}, {@code user:password}, when present. */
    public HttpSchemaRegistryClient(String baseUrl, Optional<String> basicAuthUserInfo) {
        this(baseUrl, DEFAULT_TIMEOUT, basicAuthUserInfo);
    }

    /**
     * A client whose connects and requests each give up after {@code timeout}, and that sends
     * {@code basicAuthUserInfo}, {@code user:password}, when present.
     *
     * @throws IllegalArgumentException if the user info is not {@code user:password}
     */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout, Optional<String> basicAuthUserInfo) {
        this(baseUrl, timeout, basicAuthUserInfo, READ_RETRY_BUDGET);
    }

    /** As above, waiting out a registry that cannot answer a schema read for up to {@code readRetryBudget}. */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout, Optional<String> basicAuthUserInfo,
                                    Duration readRetryBudget) {
        this(baseUrl, timeout, basicAuthUserInfo, readRetryBudget, Json.mapper());
    }

    /** A client that sends {@code basicAuthUserInfo} when present and reads the registry's answers with {@code json}. */
    public HttpSchemaRegistryClient(String baseUrl, Optional<String> basicAuthUserInfo, ObjectMapper json) {
        this(baseUrl, DEFAULT_TIMEOUT, basicAuthUserInfo, READ_RETRY_BUDGET, json);
    }

    /** As above, reading and writing the registry's JSON with {@code json}. */
    public HttpSchemaRegistryClient(String baseUrl, Duration timeout, Optional<String> basicAuthUserInfo,
                                    Duration readRetryBudget, ObjectMapper json) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.json = Objects.requireNonNull(json, "json");
        this.readRetryBudget = Objects.requireNonNull(readRetryBudget, "readRetryBudget");
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.authorization = basicAuthUserInfo.map(HttpSchemaRegistryClient::basicAuthorization);
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** The registry's base URL, without a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject}, or finds it there, once per client. A registry that cannot
     * answer is asked again as a schema read is: registering the same schema twice gives the same ID, and a
     * connection that died while idle (a cut link) must not cost a record.
     */
    @Override
    public int register(String subject, Schema schema) {
        final SubjectSchema key = new SubjectSchema(subject, schema);
        final Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        final JsonNode response = retried(() -> send("POST", subjectPath(subject) + "/versions",
                schemaBody(schema)), REGISTER_RETRY_BUDGET.compareTo(readRetryBudget) < 0 ? REGISTER_RETRY_BUDGET
                : readRetryBudget);
        final int id = requiredInt(response, "id");
        idBySubjectSchema.putIfAbsent(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    /**
     * The schema with this ID. A registry that cannot answer is asked again, with growing pauses, for up to
     * {@link #READ_RETRY_BUDGET}: a record whose schema is not cached yet waits through a short outage instead of
     * being taken for unreadable.
     */
    @Override
    public Schema schemaById(int id) {
        final Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        return retried(() -> fetchSchema(id), readRetryBudget);
    }

    /** {@code call}, asked again with growing pauses while it fails transiently, for up to {@code budget}. */
    private <T> T retried(java.util.function.Supplier<T> call, Duration budget) {
        final long deadline = System.nanoTime() + budget.toNanos();
        long pauseMillis = FIRST_RETRY_PAUSE_MILLIS;
        while (true) {
            try {
                return call.get();
            } catch (SchemaRegistryException e) {
                if (!e.isTransient() || System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while waiting for the registry", e);
            }
            pauseMillis = Math.min(pauseMillis * 2, MAX_RETRY_PAUSE_MILLIS);
        }
    }

    private Schema fetchSchema(int id) {
        final JsonNode response = send("GET", "/schemas/ids/" + id, null);
        final Schema schema = parseSchema(requiredText(response, "schema"));
        final Schema raced = schemaById.putIfAbsent(id, schema);
        return raced == null ? schema : raced;
    }

    /** Finds {@code schema} among the versions of {@code subject}; 40401 or 40403 if it is not there. */
    public RegisteredSchema lookup(String subject, Schema schema) {
        return registered(send("POST", subjectPath(subject), schemaBody(schema)));
    }

    /** The latest version of {@code subject}. */
    public RegisteredSchema latest(String subject) {
        return registered(send("GET", subjectPath(subject) + "/versions/latest", null));
    }

    /** One version of {@code subject}. */
    public RegisteredSchema version(String subject, int version) {
        return registered(send("GET", subjectPath(subject) + "/versions/" + version, null));
    }

    /** The version numbers of {@code subject}, oldest first. */
    public List<Integer> versions(String subject) {
        final List<Integer> versions = new ArrayList<>();
        send("GET", subjectPath(subject) + "/versions", null).forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    /** All subjects with at least one live version. */
    public List<String> subjects() {
        final List<String> subjects = new ArrayList<>();
        send("GET", "/subjects", null).forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    /** Whether {@code schema} could be registered next under {@code subject}, per the subject's level. */
    public boolean isCompatible(String subject, Schema schema) {
        final JsonNode response = send("POST", "/compatibility" + subjectPath(subject) + "/versions/latest",
                schemaBody(schema));
        return response.path("is_compatible").asBoolean(false);
    }

    /** The global compatibility level. */
    public CompatibilityLevel globalCompatibility() {
        return level(send("GET", "/config", null));
    }

    /** The level in force for {@code subject}: its own, or else the global one. */
    public CompatibilityLevel compatibility(String subject) {
        return level(send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
    }

    /** Sets the global compatibility level. */
    public void setGlobalCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", levelBody(level));
    }

    /** Sets the compatibility level of {@code subject}. */
    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + encode(subject), levelBody(level));
    }

    /**
     * The {@code Authorization} header value for {@code userInfo}, {@code user:password}.
     *
     * @throws IllegalArgumentException if it has no user or no colon
     */
    public static String basicAuthorization(String userInfo) {
        if (userInfo == null || userInfo.indexOf(':') < 1) {
            throw new IllegalArgumentException("registry user info must be user:password");
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode send(String method, String path, String body) {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout)
                .header("Accept", CONTENT_TYPE + ", application/json")
                .header("Content-Type", CONTENT_TYPE)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        authorization.ifPresent(value -> builder.header("Authorization", value));
        final HttpRequest request = builder.build();
        final HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(method + " " + baseUrl + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(method + " " + baseUrl + path + " was interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw error(response);
        }
        try {
            return json.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new SchemaRegistryException("unreadable response from " + method + " " + baseUrl + path, e);
        }
    }

    private SchemaRegistryException error(HttpResponse<String> response) {
        final String body = response.body() == null ? "" : response.body();
        try {
            final JsonNode node = json.readTree(body);
            if (node != null && node.has("error_code")) {
                return new SchemaRegistryException(node.path("error_code").asInt(response.statusCode()),
                        node.path("message").asText(""));
            }
        } catch (JsonProcessingException e) {
            // not a registry error body: fall through and report the status with the raw body
        }
        final String excerpt = body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "…" : body;
        return new SchemaRegistryException(response.statusCode(), "HTTP " + response.statusCode() + ": " + excerpt);
    }

    private RegisteredSchema registered(JsonNode node) {
        final int id = requiredInt(node, "id");
        final Schema schema = schemaById.computeIfAbsent(id, unused -> parseSchema(requiredText(node, "schema")));
        return new RegisteredSchema(requiredText(node, "subject"), requiredInt(node, "version"), id, schema);
    }

    private String schemaBody(Schema schema) {
        final ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private String levelBody(CompatibilityLevel level) {
        final ObjectNode body = json.createObjectNode();
        body.put("compatibility", level.name());
        return body.toString();
    }

    private static CompatibilityLevel level(JsonNode node) {
        final String name = requiredText(node, "compatibilityLevel");
        return CompatibilityLevel.parse(name)
                .orElseThrow(() -> new SchemaRegistryException(-1, "unknown compatibility level " + name));
    }

    private static Schema parseSchema(String text) {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException("registry returned an unparseable schema", e);
        }
    }

    private static int requiredInt(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(-1, "registry response lacks \"" + field + "\": " + node);
        }
        return value.asInt();
    }

    private static String requiredText(JsonNode node, String field) {
        final JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new SchemaRegistryException(-1, "registry response lacks \"" + field + "\": " + node);
        }
        return value.asText();
    }

    private static String subjectPath(String subject) {
        return "/subjects/" + encode(subject);
    }

    private static String encode(String pathSegment) {
        // URLEncoder encodes for forms; a path wants %20, not '+', for a space
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record SubjectSchema(String subject, Schema schema) {
    }
}
