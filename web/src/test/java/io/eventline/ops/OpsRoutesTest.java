package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.http.EventlineWeb;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Who may read {@code /metrics}, over a real socket. */
class OpsRoutesTest {
    private static final String METRICS_TOKEN = "metrics-token-0123456789abcdef0123456789";
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();

    OpsRoutesTest() {
        new JvmInfoMetrics().bindTo(meters);
    }

    @Test
    void shouldAskForCredentialsWhenNoneAreSent() {
        JavalinTest.test(app(MetricsAccess.guarded(auth, Optional.of(METRICS_TOKEN))), (server, unused) -> {
            // When
            final HttpResponse<String> response = get(server, null);

            // Then
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    challenge -> assertThat(challenge).startsWith("Bearer"));
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(401);
            assertThat(response.body()).doesNotContain("jvm_");
        });
    }

    @Test
    void shouldRefuseAUserWithoutTheAdminRole() {
        JavalinTest.test(app(MetricsAccess.guarded(auth, Optional.of(METRICS_TOKEN))), (server, unused) -> {
            // Given
            final String user = auth.issue("alice", Set.of(), Duration.ofMinutes(5));

            // When
            final HttpResponse<String> response = get(server, user);

            // Then
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(403);
        });
    }

    @Test
    void shouldServeAnAdminAndAScraperWithTheMetricsToken() {
        JavalinTest.test(app(MetricsAccess.guarded(auth, Optional.of(METRICS_TOKEN))), (server, unused) -> {
            // Given
            final String admin = auth.issue("root", Set.of("admin"), Duration.ofMinutes(5));

            // When
            final HttpResponse<String> asAdmin = get(server, admin);
            final HttpResponse<String> asScraper = get(server, METRICS_TOKEN);

            // Then
            assertThat(asAdmin.statusCode()).isEqualTo(200);
            assertThat(asAdmin.body()).contains("jvm_info");
            assertThat(asScraper.statusCode()).isEqualTo(200);
            assertThat(asScraper.body()).contains("jvm_info");
        });
    }

    @Test
    void shouldRefuseAWrongOrMissingMetricsToken() {
        JavalinTest.test(app(MetricsAccess.guarded(auth, Optional.of(METRICS_TOKEN))), (server, unused) -> {
            assertThat(get(server, METRICS_TOKEN + "x").statusCode()).isEqualTo(401);
            assertThat(get(server, METRICS_TOKEN.substring(1)).statusCode()).isEqualTo(401);
        });
        JavalinTest.test(app(MetricsAccess.guarded(auth, Optional.empty())), (server, unused) -> {
            assertThat(get(server, METRICS_TOKEN).statusCode()).isEqualTo(401);
        });
    }

    @Test
    void shouldServeAnyoneWhenTheServerListensOnLoopbackOnly() {
        JavalinTest.test(app(MetricsAccess.open()), (server, unused) -> {
            // When
            final HttpResponse<String> response = get(server, null);

            // Then
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("jvm_info");
        });
    }

    private Javalin app(MetricsAccess access) {
        final OpsRoutes ops = new OpsRoutes(new Readiness(List.of(), () -> true, () -> true), meters, access);
        return EventlineWeb.create(ops.routes(), List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON, meters);
    }

    private HttpResponse<String> get(Javalin server, String bearer) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/metrics")).GET();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
