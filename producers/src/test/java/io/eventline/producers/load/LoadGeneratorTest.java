package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The commands against a small loopback server; counts only, since timings depend on the machine. */
class LoadGeneratorTest {
    private HttpServer server;
    private String baseUrl;
    private final Queue<String> seen = new ConcurrentLinkedQueue<>();

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
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                + exchange.getRequestHeaders().getFirst("Authorization") + " " + body);
        final String path = exchange.getRequestURI().getPath();
        if (path.equals("/moved")) {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            exchange.sendResponseHeaders(302, -1);
        } else {
            exchange.sendResponseHeaders("POST".equals(exchange.getRequestMethod()) ? 201 : 200, -1);
        }
        exchange.close();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new LoadGenerator());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        final int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldPostOneNewUrlPerScheduledRequestWithTheToken() {
        // When 50/s for 200 ms after a 100 ms warm-up: 15 requests, 10 measured
        final Run run = run("http-post-urls", "--url", baseUrl, "--token", "T0K", "--rate", "50",
                "--duration", "200ms", "--warmup", "100ms");

        // Then
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("target       POST /api/v1/urls at " + baseUrl)
                .contains("load         open loop, 50/s for 200ms after a 100ms warm-up, at most 64 connections")
                .contains("requests     sent 15, ended 15")
                .contains("status       201=10")
                .contains("failures     none")
                .contains("(from intended send time)");
        assertThat(seen).hasSize(15).doesNotHaveDuplicates()
                .allMatch(line -> line.matches("POST /api/v1/urls Bearer T0K \\{\"url\":\"https://example\\.com/load/"
                        + "[0-9a-z]+-\\d+\"}"));
    }

    @Test
    void shouldCycleThroughPathsAndNotFollowRedirects() {
        final Run run = run("http-get", "--url", baseUrl + "/", "--path", "/moved", "--path", "/health",
                "--rate", "40", "--duration", "100ms", "--warmup", "0s");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("target       GET /moved, /health at " + baseUrl)
                .contains("status       200=2 302=2");
        assertThat(seen).extracting(line -> line.split(" ")[1])
                .containsExactlyInAnyOrder("/moved", "/health", "/moved", "/health");
    }

    @Test
    void shouldKeepRequestsInFlightInClosedLoopUntilTheDurationEnds() {
        // without a warm-up even the first request of each lane is measured, however slow this machine is
        final Run run = run("http-get", "--url", baseUrl, "--path", "/health", "--concurrency", "2",
                "--duration", "200ms", "--warmup", "0s", "--percentiles");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("load         closed loop, 2 in flight for 200ms after a 0s warm-up")
                .containsPattern("status       200=\\d+")
                .contains("failures     none")
                .contains("(from send, closed loop)")
                .contains("latency distribution (ms):")
                .doesNotContain("unfinished");
    }

    @Test
    void shouldReportRefusedConnectionsAsFailuresAndExitNonZero() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }

        final Run run = run("http-get", "--url", "http://127.0.0.1:" + closedPort, "--path", "/health",
                "--rate", "20", "--duration", "100ms", "--warmup", "0s");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("failures     ConnectException=2").contains("latency ms   none measured");
    }

    @Test
    void shouldRejectAmbiguousOrUnboundedRunsBeforeSendingAnything() {
        assertThat(run("http-get", "--url", baseUrl, "--path", "/health", "--rate", "10", "--concurrency", "2"))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(2))
                .satisfies(r -> assertThat(r.err()).contains("exactly one of --rate"));
        assertThat(run("http-get", "--url", baseUrl, "--path", "/health", "--rate", "10", "--duration", "2h"))
                .satisfies(r -> assertThat(r.err()).contains("--duration must be above 0 and at most 1h"));
        assertThat(run("http-get", "--url", baseUrl, "--path", "health", "--rate", "10"))
                .satisfies(r -> assertThat(r.err()).contains("--path must start with a single /"));
        assertThat(run("http-post-urls", "--url", "http://192.0.2.1:8080", "--token", "t", "--rate", "10"))
                .satisfies(r -> assertThat(r.err()).contains("not loopback"));
        assertThat(run("http-post-urls", "--url", baseUrl, "--rate", "10"))
                .satisfies(r -> assertThat(r.err()).contains("--token"));
        assertThat(run("http-get", "--url", baseUrl, "--path", "/health", "--rate", "10", "--interval", "500ms"))
                .satisfies(r -> assertThat(r.err()).contains("--interval must be at least 1s"));
        assertThat(run("http-get", "--url", baseUrl, "--path", "/health", "--rate", "10", "--duration", "soon"))
                .satisfies(r -> assertThat(r.err()).contains("not a duration"));
        assertThat(run()).satisfies(r -> assertThat(r.err()).contains("name a command"));
        assertThat(seen).isEmpty();
    }

    @Test
    void shouldRefuseKafkaTargetsOffThisMachine() {
        final Run run = run("kafka-produce", "--bootstrap", "192.0.2.1:9092", "--count", "1");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not loopback");
    }

    @Test
    void shouldRegisterTheEventSchemaWithTheRegistryCredentialsFromTheEnvironment() throws IOException {
        // Given a registry that answers nothing useful, and no broker: only the registration is under test
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        final CommandLine cli = new CommandLine(new LoadGenerator());
        ((KafkaProduceCommand) cli.getSubcommands().get("kafka-produce").getCommand()).environment =
                name -> KafkaProduceCommand.USER_INFO_VARIABLE.equals(name) ? "load:s3cret" : null;
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(new StringWriter()));

        // When
        final int code = cli.execute("kafka-produce", "--bootstrap", "127.0.0.1:" + closedPort, "--registry",
                baseUrl, "--count", "1", "--timeout", "5s");

        // Then the schema was registered with HTTP Basic credentials
        assertThat(code).isEqualTo(1);
        assertThat(seen).hasSize(1).first().asString()
                .startsWith("POST /subjects/shorturl.requests.v1-value/versions Basic bG9hZDpzM2NyZXQ= {");
    }

    @Test
    void shouldGiveEachRunnerRequestItsOwnScheduledSlot() throws InterruptedException {
        final FixedRateSchedule schedule = new FixedRateSchedule(100, Duration.ZERO, Duration.ofMillis(100));
        final List<String> paths = List.of("/a", "/b", "/c");

        final LoadResult result;
        try (HttpLoadRunner runner = new HttpLoadRunner(Duration.ofSeconds(5))) {
            result = runner.openLoop(schedule, 1, i -> HttpRequest.newBuilder(
                    URI.create(baseUrl + HttpGetCommand.pathFor(paths, i))).timeout(Duration.ofSeconds(5)).build());
        }

        assertThat(result.sent()).isEqualTo(10);
        assertThat(result.outcomes()).containsOnlyKeys("200").containsValue(10L);
        assertThat(seen).extracting(line -> line.split(" ")[1])
                .containsExactly("/a", "/b", "/c", "/a", "/b", "/c", "/a", "/b", "/c", "/a");
    }
}
