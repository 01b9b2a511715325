package io.eventline.platform;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.kafka.KafkaCluster;
import io.eventline.http.HeadlessChromium;
import io.eventline.ids.WorkerLease;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.Json;
import io.eventline.shorturl.ShortUrlTopics;
import io.eventline.streams.StreamsSettings;
import io.javalin.http.HandlerType;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class PlatformApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<HandlerType> VERBS = Set.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT,
            HandlerType.PATCH, HandlerType.DELETE);
    private static PlatformFixture platform;
    private static String bootstrapServers;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        platform = PlatformFixture.start(bootstrapServers, Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldDescribeEveryRegisteredRouteInTheOpenApiDocument() throws Exception {
        final JsonNode paths = JSON.readTree(platform.get("/openapi.json", null).body()).get("paths");

        final List<String> registered = platform.platform().web().unsafe.internalRouter.allHttpHandlers().stream()
                .map(parsed -> parsed.endpoint)
                .filter(endpoint -> VERBS.contains(endpoint.method))
                .map(endpoint -> endpoint.method.name().toLowerCase(java.util.Locale.ROOT) + " " + endpoint.path)
                .toList();

        assertThat(registered).contains("post /api/v1/urls", "get /{code}", "get /api/v1/operations/{eventId}",
                "get /health", "get /ready", "get /metrics", "get /openapi.json", "get /docs");
        // the internal twins, for other instances only, stay out of the public document
        assertThat(registered).contains("get /internal/{code}", "get /internal/api/v1/operations/{eventId}");
        for (String route : registered) {
            final String[] parts = route.split(" ", 2);
            final boolean internal = parts[1].startsWith(InternalCalls.PREFIX + "/");
            assertThat(paths.path(parts[1]).has(parts[0])).as("%s is documented", route).isEqualTo(!internal);
        }
        assertThat(paths.path("/api/v1/urls").path("post").has("security")).isTrue();
        assertThat(paths.path("/{code}").path("get").has("security")).isFalse();
    }

    @Test
    void shouldPublishAValidOpenApiDocumentWithTheBodiesOfEveryOperation() throws Exception {
        // Given
        final String document = platform.get("/openapi.json", null).body();

        // When a well-kept OpenAPI parser reads it
        final ParseOptions options = new ParseOptions();
        options.setResolve(true);
        final SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(document, null, options);

        // Then it finds nothing wrong, and every operation declares what it answers on success
        assertThat(parsed.getMessages()).as("parser messages").isEmpty();
        assertThat(parsed.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
        parsed.getOpenAPI().getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, op) -> {
            final String name = method + " " + path;
            assertThat(op.getResponses().keySet()).as("%s declares a success", name)
                    .anyMatch(status -> status.matches("[123]\\d\\d"));
            op.getResponses().forEach((status, response) -> {
                if (response.getContent() != null && response.getContent().containsKey("application/json")) {
                    assertThat(response.getContent().get("application/json").getSchema())
                            .as("%s %s has a schema", name, status).isNotNull();
                }
            });
        }));
        final JsonNode paths = JSON.readTree(document).get("paths");
        for (String write : List.of("/api/v1/urls post", "/api/v1/posts post", "/api/v1/channels post",
                "/api/v1/notifications post", "/api/v1/ratelimit/check post", "/api/v1/me/profile put")) {
            final String[] parts = write.split(" ");
            assertThat(paths.path(parts[0]).path(parts[1]).at("/requestBody/content/application~1json/schema/type")
                    .asText()).as("%s takes a JSON object", write).isEqualTo("object");
        }
    }

    @Test
    void shouldRenderTheApiReferencePage() throws Exception {
        final HttpResponse<String> page = platform.get("/docs", null);
        final HttpResponse<String> bundle = platform.get("/docs/assets/swagger-ui-bundle.js", null);

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/openapi.json", "swagger-ui-bundle.js");
        assertThat(bundle.statusCode()).isEqualTo(200);
        assertThat(bundle.body()).contains("SwaggerUIBundle");
    }

    @Test
    void shouldRenderEveryDocumentedOperationInABrowser() throws Exception {
        final String dom = HeadlessChromium.dumpDom(platform.baseUrl() + "/docs", 15_000);

        assertThat(dom).contains("Eventline API", "/api/v1/urls", "/api/v1/operations/{eventId}",
                "Shorten a URL", "Follow a short link");
        final java.nio.file.Path png = java.nio.file.Files.createTempFile("eventline-docs-", ".png");
        HeadlessChromium.screenshot(platform.baseUrl() + "/docs", png, 15_000);
        assertThat(java.nio.file.Files.size(png)).isGreaterThan(10_000L);
        java.nio.file.Files.delete(png);
    }

    @Test
    void shouldReportHealthReadinessAndMetrics() throws Exception {
        assertThat(platform.get("/health", null).statusCode()).isEqualTo(200);
        final HttpResponse<String> ready = platform.get("/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("streams").asText()).isEqualTo("RUNNING");

        final String metrics = platform.metrics().body();
        assertThat(metrics).contains("jvm_memory_used_bytes", "kafka_stream_", "http_server_requests");
    }

    @Test
    void shouldServeMetricsOnlyToAnAdminOrTheScraperWhenListeningOnEveryInterface() throws Exception {
        // When
        final HttpResponse<String> anonymous = platform.get("/metrics", null);
        final HttpResponse<String> user = platform.get("/metrics", platform.token("mallory"));
        final HttpResponse<String> admin = platform.get("/metrics", platform.token("ops", "admin"));
        final HttpResponse<String> scraper = platform.get("/metrics", PlatformFixture.METRICS_TOKEN);

        // Then
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer"));
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(anonymous.body()).doesNotContain("jvm_memory_used_bytes");
        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).contains("jvm_memory_used_bytes");
        assertThat(scraper.statusCode()).isEqualTo(200);
        assertThat(scraper.body()).contains("jvm_memory_used_bytes");
        final JsonNode documented = JSON.readTree(platform.get("/openapi.json", null).body());
        assertThat(documented.at("/paths/~1metrics/get").has("security")).isTrue();
    }

    @Test
    void shouldSendUnreadableRecordsToTheDeadLetterTopicAndKeepProcessing() throws Exception {
        final String poisonKey = "poison-" + UUID.randomUUID();
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ShortUrlTopics.REQUESTS.name(), poisonKey,
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
        }

        final ConsumerRecord<String, byte[]> dead = awaitDeadLetter(poisonKey);
        final Set<String> headers = java.util.Arrays.stream(dead.headers().toArray())
                .map(h -> h.key()).collect(Collectors.toSet());
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(headers).anyMatch(h -> h.contains("exception"));

        final HttpResponse<String> after = platform.post("/api/v1/urls", platform.token("dave"),
                "{\"url\":\"https://example.com/after-poison/" + UUID.randomUUID() + "\"}");
        assertThat(after.statusCode()).isEqualTo(201);
    }

    @Test
    void shouldAnswer400NamingTheParameterForACursorThatCannotBeDecodedOnEveryPagedRoute() throws Exception {
        // Given every paged route, with the query parameter that carries its position
        final String carol = platform.token("carol");
        final Map<String, String> pagedRoutes = new java.util.LinkedHashMap<>();
        pagedRoutes.put("/api/v1/urls", "cursor");
        pagedRoutes.put("/api/v1/users/carol/followers", "cursor");
        pagedRoutes.put("/api/v1/users/carol/following", "cursor");
        pagedRoutes.put("/api/v1/users/carol/posts", "cursor");
        pagedRoutes.put("/api/v1/me/feed", "cursor");
        pagedRoutes.put("/api/v1/me/notifications", "cursor");
        pagedRoutes.put("/api/v1/me/channels", "cursor");
        pagedRoutes.put("/api/v1/channels/g_1/messages", "before");
        pagedRoutes.put("/api/v1/me/sync?device=phone", "after");

        for (Map.Entry<String, String> route : pagedRoutes.entrySet()) {
            final String separator = route.getKey().contains("?") ? "&" : "?";
            // When the position is not validly percent-encoded, not base64url, or decodes to nothing this API
            // returned (a control character: no user ID, post ID or link key)
            final List<String> positions = route.getValue().equals("cursor")
                    ? List.of("%%%", "%zz", "!!!", "AQ") : List.of("%%%", "abc", "-5");
            for (String position : positions) {
                if (route.getKey().equals("/api/v1/me/channels") && !position.startsWith("%")) {
                    continue; // the channel list takes no cursor yet; only a broken encoding is refused there
                }
                final String response = rawGet(route.getKey() + separator + route.getValue() + "=" + position,
                        carol);

                // Then a 400 problem points at the parameter
                final String what = route.getKey() + " " + route.getValue() + "=" + position;
                assertThat(response).as(what).startsWith("HTTP/1.1 400 ")
                        .containsIgnoringCase("Content-Type: application/problem+json")
                        .contains("\"pointer\":\"/" + route.getValue() + "\"");
            }
        }
    }

    @Test
    void shouldRefuseWritesAndTurnNotReadyWhileAnotherInstanceHoldsTheWorkerLease() throws Exception {
        // Given a ready instance that takes writes
        final String alice = platform.token("alice");
        assertThat(shorten(alice).statusCode()).isEqualTo(201);
        final EventlineConfig config = platform.platform().config();

        // When another instance takes its worker ID, its clock far enough ahead to see the lease as expired
        final long skew = WorkerLease.DEFAULT_TTL.plusSeconds(5).toMillis();
        final Map<String, Object> client = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        final WorkerLease intruder = new WorkerLease(client, WorkerLease.TOPIC,
                new HttpSchemaRegistryClient(platform.registryUrl(), Optional.of(PlatformFixture.REGISTRY_USER_INFO)),
                Json.mapper(), "intruder-" + UUID.randomUUID(),
                config.datacenterId(), config.workerId(), WorkerLease.DEFAULT_TTL,
                () -> java.time.Instant.now().plusMillis(skew));
        try {
            intruder.acquire();

            // Then the instance notices at its next renewal (every 10 s): not ready, and writes get 503
            final HttpResponse<String> refused = await(() -> {
                final HttpResponse<String> write = shorten(alice);
                return write.statusCode() == 503 ? write : null;
            });
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            final HttpResponse<String> ready = platform.get("/ready", null);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("WORKER_LEASE_LOST");
        } finally {
            // When the other instance lets the worker ID go
            intruder.close();
        }

        // Then the instance takes its lease back (it asks every 5 s), is ready, and takes writes again
        await(() -> platform.get("/ready", null).statusCode() == 200 ? true : null);
        assertThat(shorten(alice).statusCode()).isEqualTo(201);
    }

    private static HttpResponse<String> shorten(String token) throws Exception {
        return platform.post("/api/v1/urls", token,
                "{\"url\":\"https://example.com/lease/" + UUID.randomUUID() + "\"}");
    }

    private static <T> T await(java.util.concurrent.Callable<T> probe) throws Exception {
        final Duration within = Duration.ofSeconds(25);
        final T seen = eventually(within, Duration.ofMillis(250), probe::call, java.util.Objects::nonNull);
        if (seen == null) {
            throw new AssertionError("not seen within " + within);
        }
        return seen;
    }

    /**
     * The whole answer to a GET sent as typed: the HTTP client would refuse a broken percent-encoding before
     * sending it, as curl does not.
     */
    private static String rawGet(String target, String token) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost",
                java.net.URI.create(platform.baseUrl()).getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ConsumerRecord<String, byte[]> awaitDeadLetter(String key) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-check-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(StreamsSettings.DEAD_LETTER_TOPIC));
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(record.key())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no dead letter with key " + key);
    }
}
