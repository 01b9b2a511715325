package io.eventline.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Schema reads over real HTTP: a registry that cannot answer for a while is waited out; a missing schema is not. */
class HttpSchemaRegistryClientTest {
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Ping\",\"fields\":[{\"name\":\"at\","
            + "\"type\":\"long\"}]}";
    private final AtomicInteger requests = new AtomicInteger();
    private HttpServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void shouldWaitOutARegistryThatFailsBrieflyAndThenReadTheSchema() throws Exception {
        // Given: a registry that answers 503 twice before it answers
        serve(attempt -> attempt <= 2 ? new Answer(503, "{\"error_code\":50003,\"message\":\"unavailable\"}")
                : new Answer(200, "{\"schema\":" + quoted(SCHEMA) + "}"));
        final HttpSchemaRegistryClient client = client(Duration.ofSeconds(10));

        // When
        final Schema schema = client.schemaById(7);

        // Then: it was asked three times, and the schema is the registry's
        assertThat(schema.getName()).isEqualTo("Ping");
        assertThat(requests.get()).isEqualTo(3);
    }

    @Test
    void shouldRegisterThroughAConnectionThatFailsOnceAndAskNoMoreForTheSameSchema() throws Exception {
        // Given: a registry that answers a registration 503 once (as when a link just came back) before it answers
        serve(attempt -> attempt == 1 ? new Answer(503, "{\"error_code\":50003,\"message\":\"unavailable\"}")
                : new Answer(200, "{\"id\":42}"));
        final HttpSchemaRegistryClient client = client(Duration.ofSeconds(10));
        final Schema schema = new Schema.Parser().parse(SCHEMA);

        // When
        final int id = client.register("pings-value", schema);
        final int again = client.register("pings-value", schema);

        // Then: asked twice for the first, not again for the second
        assertThat(id).isEqualTo(42);
        assertThat(again).isEqualTo(42);
        assertThat(requests.get()).isEqualTo(2);
    }

    @Test
    void shouldNotAskAgainForASchemaTheRegistryDoesNotHave() throws Exception {
        serve(attempt -> new Answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}"));
        final HttpSchemaRegistryClient client = client(Duration.ofSeconds(10));

        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> {
                    assertThat(e.errorCode()).isEqualTo(40403);
                    assertThat(e.isTransient()).isFalse();
                });
        assertThat(requests.get()).isEqualTo(1);
    }

    @Test
    void shouldGiveUpOnARegistryThatIsAwayLongerThanTheBudgetAndSaySoIsTransient() throws Exception {
        // Given: nothing listens where the registry should be
        final int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        final HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + port,
                Duration.ofSeconds(1), Optional.empty(), Duration.ofMillis(500));

        // When / Then
        final long started = System.nanoTime();
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.isTransient()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    private record Answer(int status, String body) {
    }

    private interface Script {
        Answer answer(int attempt);
    }

    private void serve(Script script) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            final Answer answer = script.answer(requests.incrementAndGet());
            final byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(answer.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    private HttpSchemaRegistryClient client(Duration budget) {
        return new HttpSchemaRegistryClient("http://127.0.0.1:" + server.getAddress().getPort(),
                Duration.ofSeconds(2), Optional.empty(), budget);
    }

    private static String quoted(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
