package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fully embedded instance (its own broker, registry and state) killed with SIGKILL and started again on the
 * same data directory, ports and instance ID keeps every link it acknowledged.
 */
@Tag("integration")
class KillNineDurabilityTest {
    private static final String JWT_SECRET = PlatformFixture.JWT_SECRET;
    private static final String URLS = "/api/v1/urls";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(45);

    @RegisterExtension
    final EventlineProcess.LogsOnFailure logs = new EventlineProcess.LogsOnFailure();
    private final JwtAuth auth = new JwtAuth(JWT_SECRET, Clock.systemUTC());
    private final List<EventlineProcess> processes = new ArrayList<>();
    private Path dataDir;

    @AfterEach
    void stopProcessesAndDeleteData() throws Exception {
        for (EventlineProcess process : processes) {
            process.close();
        }
        EventlineProcess.deleteRecursively(dataDir);
    }

    @Test
    void shouldKeepLinksAndTakenAliasesAfterSigkillAndRestartOnTheSameDataDir() throws Exception {
        // Given: one embedded instance that acknowledged a link and a custom alias
        dataDir = Files.createTempDirectory("eventline-kill9-");
        final Map<String, String> env = embeddedEnvironment(dataDir);
        final EventlineProcess first = start("before-kill", env);
        final String alice = token("alice");
        final String url = "https://example.com/durable/" + UUID.randomUUID();
        final HttpResponse<String> created = first.post(URLS, alice, link(url, null));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final String code = code(created);
        final String alias = "k9-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> aliased = first.post(URLS, alice,
                link("https://example.com/aliased/" + UUID.randomUUID(), alias));
        assertThat(aliased.statusCode()).as(aliased.body()).isEqualTo(201);

        // When: SIGKILL, so nothing is flushed or closed, then a new process on the same directory and ports
        first.killHard();
        final EventlineProcess restarted = start("after-kill", env);

        // Then
        final HttpResponse<String> redirect = awaitSettled(() -> restarted.get("/" + code));
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains(url);

        final HttpResponse<String> again = awaitSettled(() -> restarted.post(URLS, alice, link(url, null)));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(code(again)).isEqualTo(code);

        final HttpResponse<String> taken = awaitSettled(() -> restarted.post(URLS, token("bob"),
                link("https://example.com/someone-else/" + UUID.randomUUID(), alias)));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(JSON.readTree(taken.body()).get("type").asText()).endsWith("/code-taken");
    }

    private static Map<String, String> embeddedEnvironment(Path dataDir) {
        final List<Integer> ports = EventlineProcess.freePorts(3);
        final Map<String, String> env = new HashMap<>();
        env.put("EVENTLINE_HTTP_PORT", ports.get(0).toString());
        env.put("EVENTLINE_KAFKA_PORT", ports.get(1).toString());
        env.put("EVENTLINE_REGISTRY_PORT", ports.get(2).toString());
        env.put("EVENTLINE_DATA_DIR", dataDir.toString());
        env.put("EVENTLINE_INSTANCE_ID", "durable-1");
        env.put("EVENTLINE_APPLICATION_ID", "eventline-kill9-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("EVENTLINE_WORKER_ID", "1");
        env.put("EVENTLINE_JWT_SECRET", JWT_SECRET);
        env.put("EVENTLINE_ROCKSDB_CACHE_BYTES", Long.toString(16L << 20));
        // a loaded machine must not turn the answers under test into 202s
        env.put("EVENTLINE_AWAIT_TIMEOUT_MS", "20000");
        return env;
    }

    private EventlineProcess start(String name, Map<String, String> env) throws Exception {
        final EventlineProcess process = EventlineProcess.start(name, env);
        processes.add(process);
        return logs.watch(process);
    }

    /**
     * Repeats a request while the restarted instance is still settling: 503 while its tasks restore or rebalance,
     * 202 when a write's outcome came after the wait (posting the same link again is idempotent).
     */
    private static HttpResponse<String> awaitSettled(Request request) throws Exception {
        final long deadline = System.nanoTime() + ANSWER_DEADLINE.toNanos();
        HttpResponse<String> response = request.send();
        while ((response.statusCode() == 503 || response.statusCode() == 202) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            response = request.send();
        }
        return response;
    }

    private String token(String user) {
        return auth.issue(user, Set.of(), Duration.ofHours(1));
    }

    private static String link(String url, String alias) {
        final ObjectNode body = JSON.createObjectNode().put("url", url);
        if (alias != null) {
            body.put("code", alias);
        }
        return body.toString();
    }

    private static String code(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("code").asText();
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }
}
