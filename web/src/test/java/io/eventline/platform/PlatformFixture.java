package io.eventline.platform;

import static io.eventline.testing.Eventually.eventually;

import io.eventline.auth.JwtAuth;
import io.eventline.http.OpenApiContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/** One in-process Eventline instance on a test broker, with its own application ID, ports and data. */
public final class PlatformFixture implements AutoCloseable {
    /**
     * Partitions of every topic in tests: fewer tasks and stores make each start quicker, and two still spread
     * over two instances. Every fixture and process of a test JVM shares the broker, so all use this one count.
     */
    public static final int TOPIC_PARTITIONS = 3;
    public static final String JWT_SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";
    /** The credentials of the instances' embedded registries, which they also send to each other's. */
    public static final String REGISTRY_USER_INFO = "eventline-test:registry-password-0123456789";
    /** What a Prometheus scraper of a test instance sends instead of a user's token. */
    public static final String METRICS_TOKEN = "test-metrics-token-0123456789abcdef";
    private static final AtomicInteger NEXT_WORKER = new AtomicInteger(1);

    private final Platform platform;
    private final int port;
    private final Path dataDir;
    private final JwtAuth auth = new JwtAuth(JWT_SECRET, Clock.systemUTC());
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private volatile OpenApiContract contract;

    private PlatformFixture(Platform platform, int port, Path dataDir) {
        this.platform = platform;
        this.port = port;
        this.dataDir = dataDir;
    }

    /** Starts an instance against {@code bootstrapServers} and waits until it is ready. */
    public static PlatformFixture start(String bootstrapServers, Map<String, String> overrides) throws Exception {
        final Path dataDir = Files.createTempDirectory("eventline-platform-");
        final int port = freePort();
        final String id = "test-" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("EVENTLINE_REGISTRY_PORT", "0");
        env.put("EVENTLINE_HTTP_PORT", Integer.toString(port));
        env.put("EVENTLINE_DATA_DIR", dataDir.toString());
        env.put("EVENTLINE_APPLICATION_ID", "eventline-" + id);
        env.put("EVENTLINE_INSTANCE_ID", id);
        env.put("EVENTLINE_WORKER_ID", Integer.toString(NEXT_WORKER.getAndIncrement() % 32));
        env.put("EVENTLINE_DATACENTER_ID", "7");
        env.put("EVENTLINE_JWT_SECRET", JWT_SECRET);
        env.put("EVENTLINE_REGISTRY_USER_INFO", REGISTRY_USER_INFO);
        env.put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER_INFO);
        env.put("EVENTLINE_METRICS_TOKEN", METRICS_TOKEN);
        env.put("EVENTLINE_ROCKSDB_CACHE_BYTES", Long.toString(16L << 20));
        env.put("EVENTLINE_TOPIC_PARTITIONS", Integer.toString(TOPIC_PARTITIONS));
        // instances share the test broker and so the rules topic: each limits its endpoints under its own domain
        env.put("EVENTLINE_RATELIMIT_DOMAIN", "eventline-" + id);
        env.putAll(overrides);
        final Platform platform = new Platform(EventlineConfig.load(env), Clock.systemUTC()).start();
        if (!platform.awaitReady(Duration.ofSeconds(90))) {
            platform.close();
            throw new IllegalStateException("platform not ready in time");
        }
        return new PlatformFixture(platform, port, dataDir);
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The platform itself, for checks that look inside. */
    public Platform platform() {
        return platform;
    }

    /** The URL of the schema registry the instance uses. */
    public String registryUrl() {
        return platform.registryUrl();
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public String token(String user, String... roles) {
        return auth.issue(user, Set.of(roles), Duration.ofHours(1));
    }

    /** A token signed with the instance's secret that expired a minute ago. */
    public String expiredToken(String user) {
        return new JwtAuth(JWT_SECRET, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-61)))
                .issue(user, Set.of(), Duration.ofHours(1));
    }

    /** A service token whose {@code domains} claim names {@code domains}. */
    public String serviceToken(String service, Set<String> domains) {
        return auth.issue(service, Set.of("service"), java.util.Optional.of(domains), Duration.ofHours(1));
    }

    public HttpResponse<String> get(String path, String token) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return checked(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /** The OpenAPI document this instance serves, which every answer of this fixture is checked against. */
    public OpenApiContract contract() throws Exception {
        if (contract == null) {
            contract = new OpenApiContract(http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/openapi.json"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body());
        }
        return contract;
    }

    private HttpResponse<String> checked(HttpResponse<String> response) throws Exception {
        final List<String> violations = contract().violations(response.request().method(), response.uri(),
                response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body());
        if (!violations.isEmpty()) {
            throw new AssertionError("The answer breaks the API's OpenAPI document: " + violations);
        }
        return response;
    }

    /** {@code GET /metrics} as an admin: the instance listens on every interface, so it asks for credentials. */
    public HttpResponse<String> metrics() throws Exception {
        return get("/metrics", token("ops", "admin"));
    }

    public HttpResponse<String> post(String path, String token, String body) throws Exception {
        return send("POST", path, token, body);
    }

    public HttpResponse<String> put(String path, String token, String body) throws Exception {
        return send("PUT", path, token, body);
    }

    public HttpResponse<String> delete(String path, String token) throws Exception {
        return send("DELETE", path, token, null);
    }

    /** A request with {@code method}, a JSON {@code body} when it is not null, and a bearer token if given. */
    public HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return send(method, path, token, body, Map.of());
    }

    /** As {@link #send(String, String, String, String)}, with extra request headers. */
    public HttpResponse<String> send(String method, String path, String token, String body,
                                     Map<String, String> headers) throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            request.header("Content-Type", "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return checked(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    /**
     * Polls {@code GET path} until it answers 200 with JSON that satisfies {@code done}, or fails after
     * {@code timeout} with the last answer.
     */
    public com.fasterxml.jackson.databind.JsonNode awaitJson(String path, String token,
            java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> done, Duration timeout)
            throws Exception {
        final com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        final HttpResponse<String> last = eventually(timeout, Duration.ofMillis(100), () -> get(path, token),
                response -> response.statusCode() == 200 && done.test(json.readTree(response.body())));
        if (last.statusCode() == 200) {
            final com.fasterxml.jackson.databind.JsonNode answer = json.readTree(last.body());
            if (done.test(answer)) {
                return answer;
            }
        }
        throw new AssertionError(path + " did not reach the expected state within " + timeout + "; last answer: "
                + last.statusCode() + " " + last.body());
    }

    @Override
    public void close() throws IOException {
        platform.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
