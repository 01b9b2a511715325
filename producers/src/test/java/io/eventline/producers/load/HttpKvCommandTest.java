package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** http-kv against a loopback store whose eventual reads answer, on purpose, the value before the newest. */
class HttpKvCommandTest {
    private HttpServer server;
    private String baseUrl;
    /** Path to {newest value, the one before it}. */
    private final Map<String, byte[][]> values = new ConcurrentHashMap<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::answer);
        server.start();
        baseUrl = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void answer(HttpExchange exchange) throws IOException {
        final String path = exchange.getRequestURI().getPath();
        final byte[] body = exchange.getRequestBody().readAllBytes();
        if (!"Bearer owner".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.sendResponseHeaders(401, -1);
        } else if ("PUT".equals(exchange.getRequestMethod())) {
            values.compute(path, (p, old) -> new byte[][] {body, old == null ? body : old[0]});
            exchange.sendResponseHeaders(200, -1);
        } else {
            final byte[][] stored = values.get(path);
            final byte[] older = stored == null ? "none".getBytes(StandardCharsets.US_ASCII) : stored[1];
            exchange.getResponseHeaders().add("Eventline-Stale", "true");
            exchange.getResponseHeaders().add("Eventline-Replica-Lag-Ms", "7");
            exchange.sendResponseHeaders(200, older.length);
            exchange.getResponseBody().write(older);
        }
        exchange.close();
    }

    @Test
    void shouldWriteValuesOfTheGivenSizeStartingWithTheirNumber() {
        // Given write 41 of 1 KiB values, When its value is made, Then it is 1024 bytes starting with "41 "
        final byte[] value = HttpKvCommand.value(41, 1024);

        assertThat(value).hasSize(1024);
        final String text = new String(value, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("41 x").endsWith("xxx");
        assertThat(HttpKvCommand.writeNumber(text)).isEqualTo(41);
        assertThat(HttpKvCommand.writeNumber("none")).isEqualTo(-1);
    }

    @Test
    void shouldSpreadKeysOverNamespacesInTurn() {
        // Given 2 namespaces of 3 keys
        final HttpKvCommand command = new HttpKvCommand();
        new CommandLine(command).parseArgs("--url", baseUrl, "--rate", "1", "--token", "owner", "--namespace", "a",
                "--namespace", "b", "--keys", "3");

        // When / Then writes take a/k0, b/k0, a/k1, ... and start over after the 6 keys
        assertThat(command.path(0)).isEqualTo("/api/v1/kv/a/k0");
        assertThat(command.path(1)).isEqualTo("/api/v1/kv/b/k0");
        assertThat(command.path(2)).isEqualTo("/api/v1/kv/a/k1");
        assertThat(command.path(6)).isEqualTo("/api/v1/kv/a/k0");
    }

    @Test
    void shouldReportEventualReadsThatMissAnAcknowledgedWrite() {
        // Given a store whose reads answer the value before the newest, and one key written 100 times a second
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadGenerator());
        cli.setOut(new PrintWriter(out));

        // When it is read 30 times a second beside the writes, out of step with them
        final int code = cli.execute("http-kv", "--url", baseUrl, "--token", "owner", "--namespace", "ns",
                "--keys", "1", "--size", "64", "--rate", "100", "--stale-reads", "30", "--duration", "2s",
                "--warmup", "1s");

        // Then the writes succeed, and the reads are answered by a standby and counted behind a newer write
        assertThat(code).isZero();
        assertThat(out.toString()).contains("PUT /api/v1/kv/{namespace}/{key}, 64 B values, 1 keys of ns")
                .contains("stale reads: GET ...?consistency=eventual")
                .containsPattern("answered by standby: \\d+ reads, [1-9]\\d* behind")
                .contains("Eventline-Replica-Lag-Ms p50=7 ");
        assertThat(values).containsOnlyKeys("/api/v1/kv/ns/k0");
    }
}
