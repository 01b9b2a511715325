package io.eventline.ops;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/local-cluster.sh} without a cluster: its argument checks, and the nginx in front of the instances
 * as the script configures it, run by Debian's nginx against stand-ins for the instances.
 */
@Tag("integration")
class LocalClusterScriptTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @TempDir
    Path temp;

    private LocalClusterScript script;

    @BeforeEach
    void setUp() {
        script = new LocalClusterScript(temp.resolve("cluster"), LocalClusterScript.freePortBase(2));
    }

    @Test
    void shouldBeValidBash() throws Exception {
        // When
        final Process check = new ProcessBuilder("bash", "-n", LocalClusterScript.SCRIPT.toString())
                .redirectErrorStream(true).start();
        final String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // Then
        assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void shouldRefuseWrongArgumentsWithOneLineReasons() throws Exception {
        // Given no cluster in the directory
        final Map<String[], String> refusals = Map.of(
                new String[] {"frobnicate"}, "unknown command 'frobnicate'",
                new String[] {"up", "--brokers", "0"}, "--brokers must be 1 to 9, got '0'",
                new String[] {"up", "--instances", "32"}, "--instances must be 1 to 31",
                new String[] {"up", "--replicas", "2"}, "up: unknown argument '--replicas'",
                new String[] {"up", "--netns"}, "--netns",
                new String[] {"status"}, "no cluster in " + script.file(""),
                new String[] {"kill-instance", "2"}, "no cluster in ",
                new String[] {"nginx-config", "x"}, "instance numbers are 1 to 31, got 'x'");

        for (Map.Entry<String[], String> refusal : refusals.entrySet()) {
            // When
            final LocalClusterScript.Result result = script.run(refusal.getKey());

            // Then
            final String what = String.join(" ", refusal.getKey());
            assertThat(result.exitCode()).as(what).isNotZero();
            assertThat(result.stderr()).as(what).startsWith("local-cluster: ").contains(refusal.getValue());
            assertThat(result.stderr().strip().lines()).as(what).hasSize(1);
        }
    }

    @Test
    void shouldKeepToTheRunningClustersPortBase() throws Exception {
        // Given a cluster started on another port base
        Files.createDirectories(script.file(""));
        Files.writeString(script.file("cluster.env"), """
                export EVENTLINE_CLUSTER_BROKERS=3
                export EVENTLINE_CLUSTER_INSTANCES="1 2 3"
                export EVENTLINE_CLUSTER_PORT_BASE=1234
                """);

        // When
        final LocalClusterScript.Result result = script.run("status");

        // Then
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stderr().strip()).isEqualTo("local-cluster: the cluster in " + script.file("")
                + " uses EVENTLINE_CLUSTER_PORT_BASE=1234, not " + script.portBase()
                + " (another EVENTLINE_CLUSTER_DIR for another cluster)");
    }

    @Test
    void shouldRenderAConfigurationNginxAcceptsWithEveryInstanceBehindIt() throws Exception {
        // When
        final Path config = script.writeNginxConfig("1", "2", "3");
        final LocalClusterScript.Result checked = script.testNginxConfig();

        // Then
        assertThat(checked.exitCode()).as(checked.stderr()).isZero();
        final String text = Files.readString(config);
        assertThat(text).contains("listen 127.0.0.1:" + script.portBase() + ";", "least_conn;",
                "proxy_next_upstream error timeout http_502 http_503;",
                "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                "proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $connection_upgrade;");
        for (int instance = 1; instance <= 3; instance++) {
            assertThat(text).contains("server 127.0.0.1:" + script.instancePort(instance) + " max_fails=");
        }
        assertThat(text).doesNotContainPattern("@[A-Z_]+@");
    }

    @Test
    void shouldPassAChatSocketUpgradeThroughWithTheClientsAddress() throws Exception {
        // Given nginx in front of one instance that accepts the upgrade and echoes what it gets after it
        script.writeNginxConfig("1");
        try (ServerSocket instance = new ServerSocket(script.instancePort(1), 8, InetAddress.getLoopbackAddress())) {
            final CompletableFuture<String> upgradeRequest = CompletableFuture.supplyAsync(() -> upgradeAndEcho(instance));
            final Process nginx = script.startNginx();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), script.portBase())) {
                client.setSoTimeout(10_000);

                // When a client asks for a socket as a browser does, its token in the query
                client.getOutputStream().write(("GET /ws?device=phone&access_token=secret-token HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:" + script.portBase() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                final String answer = readHead(client.getInputStream());
                client.getOutputStream().write("frame".getBytes(StandardCharsets.US_ASCII));
                final byte[] echoed = client.getInputStream().readNBytes(5);

                // Then the upgrade reaches the instance, with the client's address, and the socket carries bytes
                assertThat(answer).startsWith("HTTP/1.1 101 ");
                assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("frame");
                final String request = upgradeRequest.get(10, TimeUnit.SECONDS).toLowerCase(Locale.ROOT);
                assertThat(request).startsWith("get /ws?device=phone&access_token=secret-token http/1.1")
                        .contains("\r\nupgrade: websocket\r\n", "\r\nconnection: upgrade\r\n",
                                "\r\nx-forwarded-for: 127.0.0.1\r\n");
                client.close();
                // and the access log, written when the socket closes, names the path but not the token
                final Path accessLog = script.file("logs/nginx-access.log");
                assertThat(eventually(Duration.ofSeconds(10), Duration.ofMillis(50),
                        () -> Files.readString(accessLog).contains("\"GET /ws HTTP/1.1\" 101"))).isTrue();
                assertThat(Files.readString(accessLog)).doesNotContain("secret-token");
            } finally {
                stop(nginx);
            }
        }
    }

    @Test
    void shouldTryAnotherInstanceForAReadButSendAWriteOnce() throws Exception {
        // Given two instances: the first answers every request 503 (ownership being decided), the second 200
        script.writeNginxConfig("1", "2");
        final AtomicInteger writes = new AtomicInteger();
        final HttpServer deciding = instance(script.instancePort(1), 503, writes);
        final HttpServer serving = instance(script.instancePort(2), 200, writes);
        final Process nginx = script.startNginx();
        try {
            for (int i = 0; i < 4; i++) {
                // When
                final HttpResponse<String> read = send(HttpRequest.newBuilder(url("/abc1234")).GET());
                writes.set(0);
                final HttpResponse<String> write = send(HttpRequest.newBuilder(url("/api/v1/urls"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")));

                // Then a read always finds the instance that answers; a write reaches one instance only
                assertThat(read.statusCode()).isEqualTo(200);
                assertThat(writes.get()).isEqualTo(1);
                assertThat(write.statusCode()).isIn(200, 503);
            }
        } finally {
            stop(nginx);
            deciding.stop(0);
            serving.stop(0);
        }
    }

    @Test
    void shouldAnswerAProblemWhenNoInstanceAnswers() throws Exception {
        // Given nginx in front of an instance that is down
        script.writeNginxConfig("1");
        final Process nginx = script.startNginx();
        try {
            // When
            final HttpResponse<String> answer = send(HttpRequest.newBuilder(url("/api/v1/urls")).GET());

            // Then
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(answer.body()).contains("\"status\":503");
        } finally {
            stop(nginx);
        }
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + script.portBase() + path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A stand-in instance answering every request with {@code status}, counting the POSTs it gets. */
    private static HttpServer instance(int port, int status, AtomicInteger writes) throws IOException {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if ("POST".equals(exchange.getRequestMethod())) {
                writes.incrementAndGet();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Accepts one connection, answers its upgrade with 101 and echoes five bytes; returns the request's head. */
    private static String upgradeAndEcho(ServerSocket server) {
        try (Socket connection = server.accept()) {
            connection.setSoTimeout(10_000);
            final String head = readHead(connection.getInputStream());
            final OutputStream out = connection.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(connection.getInputStream().readNBytes(5));
            out.flush();
            return head;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        final byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        while (matched < end.length) {
            final int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void stop(Process nginx) throws InterruptedException {
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
            nginx.destroyForcibly();
        }
    }
}
