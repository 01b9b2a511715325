package io.eventline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
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
    private final InstanceGroup instances = new InstanceGroup(logs);

    @AfterEach
    void stopProcessesAndDeleteData() throws Exception {
        instances.close();
    }

    @Test
    void shouldKeepLinksAndTakenAliasesAfterSigkillAndRestartOnTheSameDataDir() throws Exception {
        // Given: one embedded instance that acknowledged a link and a custom alias
        final Map<String, String> env = embeddedEnvironment();
        final EventlineProcess first = instances.start("before-kill", env);
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
        final EventlineProcess restarted = instances.start("after-kill", env);

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

    /** One embedded instance's settings: both starts use the same data directory, ports and instance ID. */
    private Map<String, String> embeddedEnvironment() throws Exception {
        final List<Integer> ports = EventlineProcess.freePorts(3);
        final Map<String, String> env = instances.environment("durable-1", ports.get(0), 1,
                "eventline-kill9-" + UUID.randomUUID().toString().substring(0, 8));
        env.put("EVENTLINE_KAFKA_PORT", ports.get(1).toString());
        env.put("EVENTLINE_REGISTRY_PORT", ports.get(2).toString());
        return env;
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
