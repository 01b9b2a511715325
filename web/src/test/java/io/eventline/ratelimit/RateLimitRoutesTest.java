package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.http.EventlineWeb;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.platform.RouteServices;
import io.eventline.serde.Json;
import io.eventline.clients.AcknowledgingProducer;
import io.eventline.clients.EventProducer;
import io.eventline.query.NotStartedStreams;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a rules change answers when it cannot be stored, over a real socket. */
class RateLimitRoutesTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final ObjectMapper JSON = Json.mapper();

    @TempDir
    Path stateDir;

    @Test
    void shouldAnswer202WithTheRulesLocationWhenTheyAreStoredButNotYetInForceHere() throws Exception {
        // Given rules that are stored, and a copy of the rules that does not hold them within the wait
        final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
        final ExecutorService responders = Executors.newSingleThreadExecutor();
        final KafkaStreams streams = NotStartedStreams.create(stateDir);
        final RateLimitRoutes routes = new RateLimitRoutes(new RouteServices(null, null,
                AcknowledgingProducer.create(), new SnowflakeIdGenerator(1, 1), JSON, Clock.systemUTC(),
                responders), null, new RulesView(streams), Duration.ofSeconds(1), "eventline");
        try {
            JavalinTest.test(app(routes, auth), (server, unused) -> {
                // When
                final HttpResponse<String> response = putRules(server, auth);

                // Then
                assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
                assertThat(response.headers().firstValue("Location"))
                        .contains(RateLimitRoutes.RULES_PATH + "/shop");
                assertThat(JSON.readTree(response.body()).path("domain").asText()).isEqualTo("shop");
            });
        } finally {
            responders.shutdownNow();
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenRulesCannotBeStored() throws Exception {
        // Given a producer that fails every send, as one whose broker is gone does after its timeout
        final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
        final EventProducer broken = new EventProducer("127.0.0.1:1", "rules-test", new InMemorySchemaRegistry());
        broken.close();
        final ExecutorService responders = Executors.newSingleThreadExecutor();
        final KafkaStreams streams = NotStartedStreams.create(stateDir);
        final RateLimitRoutes routes = new RateLimitRoutes(new RouteServices(null, null, broken,
                new SnowflakeIdGenerator(1, 1), JSON, Clock.systemUTC(), responders), null, new RulesView(streams),
                Duration.ofSeconds(1), "eventline");
        try {
            JavalinTest.test(app(routes, auth), (server, unused) -> {
                // When
                final long started = System.nanoTime();
                final HttpResponse<String> response = putRules(server, auth);

                // Then at once, without waiting out the acknowledgement's deadline
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).contains("1");
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
            });
        } finally {
            responders.shutdownNow();
            streams.close(Duration.ofSeconds(5));
        }
    }

    private static Javalin app(RateLimitRoutes routes, JwtAuth auth) {
        return EventlineWeb.create(routes.routes(), List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new SimpleMeterRegistry());
    }

    private static HttpResponse<String> putRules(Javalin server, JwtAuth auth) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + server.port() + RateLimitRoutes.RULES_PATH + "/shop"))
                .header("Authorization", "Bearer " + auth.issue("ops", Set.of("admin"), Duration.ofMinutes(5)))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"descriptors\":[{\"key\":\"user\",\"name\":"
                        + "\"per-user\",\"rate_limit\":{\"unit\":\"second\",\"requests_per_unit\":2}}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
