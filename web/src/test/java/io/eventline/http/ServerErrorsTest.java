package io.eventline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import io.javalin.testtools.JavalinTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests the web server refuses before any route sees them still get a problem, not an HTML page. */
class ServerErrorsTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";

    @Test
    void shouldAnswerAPathItCannotDecodeWithAProblem() {
        JavalinTest.test(app(), (server, unused) -> {
            // When: a NUL in the path, which the server refuses to decode
            final String response = raw(server, "GET /api/v1/items/%00/presence HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n");

            // Then
            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(JSON.readTree(body(response)).path("status").asInt()).isEqualTo(400);
        });
    }

    @Test
    void shouldAnswerHeadersOverTheLimitWithAProblem() {
        JavalinTest.test(app(), (server, unused) -> {
            // When
            final String response = raw(server, "GET /api/v1/items HTTP/1.1\r\nHost: x\r\nX-Big: "
                    + "h".repeat(70_000) + "\r\nConnection: close\r\n\r\n");

            // Then
            assertThat(response).startsWith("HTTP/1.1 431");
            assertThat(response).containsIgnoringCase("Content-Type: application/problem+json");
            assertThat(JSON.readTree(body(response)).path("status").asInt()).isEqualTo(431);
        });
    }

    private static Javalin app() {
        final ApiRoute items = ApiRoute.open(HandlerType.GET, "/api/v1/items/{id}/presence", "test", "An item",
                ctx -> ctx.result("{}"));
        return EventlineWeb.create(List.of(items), List.of(), List.of(), new JwtAuth(SECRET, Clock.systemUTC()),
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private static String raw(Javalin server, String request) throws Exception {
        try (Socket socket = new Socket("localhost", server.port())) {
            final OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
