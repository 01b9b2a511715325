package io.eventline.notify;

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
import io.eventline.query.GlobalView;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the notification routes answer when a write cannot be stored, over a real socket. */
class NotifyRoutesTest {
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final ObjectMapper JSON = Json.mapper();
    private final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService responders = Executors.newSingleThreadExecutor();
    private final EventProducer brokenProducer = new EventProducer("127.0.0.1:1", "notify-routes-test",
            new InMemorySchemaRegistry());
    @TempDir
    Path stateDir;
    private KafkaStreams streams;

    NotifyRoutesTest() {
        // a closed producer fails every send at once, as one whose broker is gone does after its timeout
        brokenProducer.close();
    }

    @AfterEach
    void stop() {
        responders.shutdownNow();
        if (streams != null) {
            streams.close(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenANotificationRequestCannotBeStored() {
        JavalinTest.test(app(), (server, unused) -> {
            // When
            final HttpResponse<String> response = send(server, "POST", "/api/v1/notifications",
                    auth.issue("billing", Set.of("service"), Duration.ofMinutes(5)),
                    "{\"eventId\":\"order-1\",\"userId\":\"alice\",\"template\":\"shipped\"}");

            // Then
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        });
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenATemplateCannotBeStored() {
        JavalinTest.test(app(), (server, unused) -> {
            // When
            final HttpResponse<String> response = send(server, "PUT", "/api/v1/admin/templates/shipped",
                    auth.issue("ops", Set.of("admin"), Duration.ofMinutes(5)),
                    "{\"inapp\":{\"title\":\"Shipped\",\"body\":\"Your order shipped\"}}");

            // Then
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).contains("1");
            assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(503);
        });
    }

    @Test
    void shouldAnswer202WithTheTemplatesLocationWhenItIsStoredButNotYetInForceHere() {
        // Given a template that is stored, and a copy of the templates that does not hold it within the wait
        JavalinTest.test(app(AcknowledgingProducer.create()), (server, unused) -> {
            // When
            final HttpResponse<String> response = send(server, "PUT", "/api/v1/admin/templates/shipped",
                    auth.issue("ops", Set.of("admin"), Duration.ofMinutes(5)),
                    "{\"inapp\":{\"title\":\"Shipped\",\"body\":\"Your order shipped\"}}");

            // Then
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            assertThat(response.headers().firstValue("Location")).contains("/api/v1/admin/templates/shipped");
            assertThat(JSON.readTree(response.body()).path("version").asLong()).isEqualTo(1);
        });
    }

    private Javalin app() {
        return app(brokenProducer);
    }

    private Javalin app(EventProducer producer) {
        streams = NotStartedStreams.create(stateDir);
        final NotifyRoutes routes = new NotifyRoutes(new RouteServices(null, null, producer,
                new SnowflakeIdGenerator(1, 1), JSON, Clock.systemUTC(), responders),
                new GlobalView<>(streams, NotifyStores.TEMPLATES), new UnsubscribeLinks("http://localhost", SECRET),
                Duration.ofSeconds(1));
        return EventlineWeb.create(routes.routes(), List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new SimpleMeterRegistry());
    }

    private HttpResponse<String> send(Javalin server, String method, String path, String token, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
