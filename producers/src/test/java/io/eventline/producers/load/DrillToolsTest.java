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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a drill relies on: {@code http-post-urls --record} keeps every acknowledged link, {@code verify-urls} finds
 * those that no longer redirect, and {@code --timeline} shows per second what the answers were.
 */
class DrillToolsTest {
    private HttpServer server;
    private String baseUrl;
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger refusedC8 = new AtomicInteger();

    @TempDir
    Path dir;

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

    /**
     * POST /api/v1/urls: every fourth is refused with 503, every fifth (of the rest) pending with 202, the others
     * are links {@code c<n>}. GET /c<n>: a redirect to the URL, except /c1 (lost: 404) and /c2 (a wrong URL);
     * GET /stale answers 302 marked stale, /down 503, /c8 429 the first time. GET /api/v1/operations/e7: accepted as link c7.
     */
    private void answer(HttpExchange exchange) throws IOException {
        final String path = exchange.getRequestURI().getPath();
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if ("POST".equals(exchange.getRequestMethod())) {
            final int n = posts.getAndIncrement();
            final String url = body.substring(body.indexOf("https://"), body.lastIndexOf('"'));
            if (n % 4 == 3) {
                send(exchange, 503, "{\"status\":503}");
            } else if (n % 5 == 4) {
                send(exchange, 202, "{\"eventId\":\"e" + n + "\",\"status\":\"pending\"}");
            } else {
                send(exchange, 201, "{\"code\":\"c" + n + "\",\"url\":\"" + url + "\"}");
            }
            return;
        }
        if (path.equals("/api/v1/operations/e7")) {
            send(exchange, 200, "{\"eventId\":\"e7\",\"status\":\"accepted\",\"result\":{\"code\":\"c7\"}}");
            return;
        }
        if (path.equals("/c8") && refusedC8.getAndIncrement() == 0) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            send(exchange, 429, "{\"status\":429}");
            return;
        }
        if (path.equals("/stale")) {
            exchange.getResponseHeaders().add("Eventline-Stale", "true");
            exchange.getResponseHeaders().add("Location", "https://example.com/");
            exchange.sendResponseHeaders(302, -1);
        } else if (path.equals("/down")) {
            exchange.sendResponseHeaders(503, -1);
        } else if (path.equals("/c1") || !path.matches("/c\\d+")) {
            exchange.sendResponseHeaders(404, -1);
        } else {
            exchange.getResponseHeaders().add("Location", path.equals("/c2") ? "https://example.com/other"
                    : "https://example.com/load/x-" + path.substring(2));
            exchange.sendResponseHeaders(302, -1);
        }
        exchange.close();
    }

    private static void send(HttpExchange exchange, int status, String json) throws IOException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
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
    void shouldRecordEveryAcknowledgedLinkAndNoRefusedOne() throws IOException {
        // Given a record file
        final Path record = dir.resolve("acked.tsv");

        // When 20 posts go out (0.5 s at 40/s, no warm-up)
        final Run run = run("http-post-urls", "--url", baseUrl, "--token", "t", "--rate", "40", "--duration",
                "500ms", "--warmup", "0s", "--record", record.toString());

        // Then the 15 acknowledged are recorded (12 links, 3 pending) and the 5 refused are not
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("status       201=12 202=3 503=5")
                .contains("recorded     12 links, 3 pending written to " + record);
        final List<String> lines = Files.readAllLines(record);
        assertThat(lines).hasSize(15)
                .allMatch(line -> line.matches("(c\\d+|pending:e\\d+)\thttps://example\\.com/load/[0-9a-z]+-\\d+"))
                .noneMatch(line -> line.startsWith("c3\t") || line.startsWith("c7\t"))
                .anyMatch(line -> line.startsWith("pending:e4\t"));
    }

    @Test
    void shouldListEveryRecordedLinkThatDoesNotRedirectToItsUrlAndExitOne() throws IOException {
        // Given four recorded links: one fine, one lost, one redirecting elsewhere, one pending that was accepted
        final Path record = dir.resolve("acked.tsv");
        Files.write(record, List.of("c0\thttps://example.com/load/x-0", "c1\thttps://example.com/load/x-1",
                "c2\thttps://example.com/load/x-2", "pending:e7\thttps://example.com/load/x-7"));

        // When they are verified with a token to resolve the pending one
        final Run run = run("verify-urls", "--url", baseUrl, "--record", record.toString(), "--token", "admin",
                "--attempts", "1");

        // Then the lost and the wrong one are listed with what they answered
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("target       GET /{code} of 4 recorded links")
                .containsPattern("checked      4 in [0-9.]+ s: 2 redirect to their URL, 2 do not")
                .contains("answers      302=2 302 to https://example.com/other=1 404=1")
                .contains("missing      c1 https://example.com/load/x-1 -> 404")
                .contains("missing      c2 https://example.com/load/x-2 -> 302 to https://example.com/other");
    }

    @Test
    void shouldPassWhenEveryRecordedLinkRedirectsAndFlagPendingOnesWithoutAToken() throws IOException {
        // more links than checkers, so each checker waits for an answer while others are still to come
        final Path record = dir.resolve("ok.tsv");
        Files.write(record, List.of("c0\thttps://example.com/load/x-0", "c5\thttps://example.com/load/x-5",
                "c6\thttps://example.com/load/x-6"));
        assertThat(run("verify-urls", "--url", baseUrl, "--record", record.toString(), "--concurrency", "1")
                .exitCode()).isZero();

        Files.write(record, List.of("pending:e7\thttps://example.com/load/x-7"));
        final Run run = run("verify-urls", "--url", baseUrl, "--record", record.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("-> pending, unresolved (no --token)");
    }

    @Test
    void shouldAskAgainAfterTheRetryAfterOfA429RatherThanListTheLink() throws IOException {
        // Given a link whose first check is refused by the rate limit
        final Path record = dir.resolve("limited.tsv");
        Files.write(record, List.of("c8\thttps://example.com/load/x-8"));

        // When it is verified with a single attempt
        final Run run = run("verify-urls", "--url", baseUrl, "--record", record.toString(), "--attempts", "1");

        // Then the 429 was not an answer about the link: asked again, it redirects
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("answers      302=1");
        assertThat(refusedC8.get()).isEqualTo(2);
    }

    @Test
    void shouldRetryALinkThatAnswers503AndReportTheAttempts() throws IOException {
        final Path record = dir.resolve("down.tsv");
        Files.write(record, List.of("down\thttps://example.com/"));

        final Run run = run("verify-urls", "--url", baseUrl, "--record", record.toString(), "--attempts", "2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("missing      down https://example.com/ -> 503 after 2 attempts");
    }

    @Test
    void shouldCountAnswersPerSecondByStatusClassAndStaleMark() {
        // When 1.5 s of reads over a stale redirect, a 503 and a 404, 20/s in all
        final Run run = run("http-get", "--url", baseUrl, "--path", "/stale", "--path", "/down", "--path", "/nope",
                "--rate", "20", "--duration", "1500ms", "--warmup", "0s", "--timeline");

        // Then the timeline has a line per second and its columns add up to the 30 requests
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("timeline: answers per second by the second they ended")
                .contains(StatusTimeline.HEADER);
        final String[] lines = run.out().substring(run.out().indexOf(StatusTimeline.HEADER)).split("\\R");
        final long[] sums = new long[6];
        int seconds = 0;
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].startsWith("+")) {
                continue;
            }
            seconds++;
            final String[] columns = lines[i].trim().split("\\s+");
            for (int c = 0; c < 6; c++) {
                sums[c] += Long.parseLong(columns[2 + c]);
            }
        }
        assertThat(seconds).isBetween(2, 3);
        // 2xx, 3xx, 4xx, 5xx, errors, stale
        assertThat(sums).containsExactly(0, 10, 10, 10, 0, 10);
    }
}
