package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.http.ApiRoute;
import io.eventline.http.EventlineWeb;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The ops page in headless Chromium ({@code src/test/node/ops-page-fixture.mjs}) draws every field of the
 * contract's snapshot, key story and key-value store figures, served from the fixtures in
 * {@code src/test/resources/ops-page/}: what the real instance in {@link OpsPageBrowserTest} may not have yet (dead
 * letters, notifications, a down instance, figures not known yet), and data that looks like markup shown as text.
 */
@Tag("integration")
class OpsPageFixtureTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final String DESCRIPTOR = "bench:user=alice,endpoint=POST /api/v1/posts";
    private final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
    private final List<String> askedKeys = new CopyOnWriteArrayList<>();
    private Javalin server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void shouldDrawEveryFieldOfTheSnapshotAndTheKeyStoryAsText() throws Exception {
        // Given a server answering the admin API with the fixtures
        server = app().start("127.0.0.1", 0);
        final String admin = auth.issue("ops", Set.of("admin"), Duration.ofMinutes(5));

        // When the page signs in from its fragment and asks for a rate-limit descriptor's story
        final JsonNode drawn = PageScript.run("ops-page-fixture.mjs", Map.of(
                "OPS_BASE_URL", "http://127.0.0.1:" + server.port(), "OPS_TOKEN", admin,
                "OPS_KEY_KIND", "ratelimit", "OPS_KEY", DESCRIPTOR), Duration.ofSeconds(40));

        // Then every section shows the fixture's figures (and the host figures and logged problems an instance
        // reports beside the contract's fields)
        assertThat(drawn.path("failure").asText("")).as("the page run failed: %s", drawn).isEmpty();
        assertThat(drawn.path("url").asText()).doesNotContain(admin).endsWith("/ops");
        assertThat(drawn.path("connection").asText()).isEqualTo("live");
        assertThat(texts(drawn, "instances")).hasSize(2).anySatisfy(row -> assertThat(row)
                .contains("eventline-a", "up", "ready", "0.1.0", "1h 2m", "25 % / 88 %", "200.0 MB of 512.0 MB",
                        "10.0 GB", "2 / 1")).anySatisfy(row -> assertThat(row)
                .contains("eventline-b", "down", "no answer within 1 s"));
        assertThat(drawn.path("taskMap").toString()).isEqualTo(JSON.readTree("""
                [{"application":"at-least-once","rows":[{"instance":"eventline-a","active":5,"standby":4},
                                                        {"instance":"eventline-b","active":4,"standby":5}]},
                 {"application":"exactly-once","rows":[{"instance":"eventline-a","active":2,"standby":1},
                                                       {"instance":"eventline-b","active":1,"standby":2}]}]
                """).toString());
        assertThat(texts(drawn, "applications")).containsExactly("at-least-once 12.5 0.30 ms 4.10 ms");
        assertThat(texts(drawn, "perInstance")).containsExactly(
                "eventline-a at-least-once RUNNING 12.5 0.30 ms 4.10 ms");
        assertThat(texts(drawn, "lagGroups")).hasSize(2).first().asString().startsWith("stopped-consumer 0 40");
        assertThat(texts(drawn, "lagLines")).containsExactly("eventline", "stopped-consumer");
        assertThat(drawn.path("routes").get(0).path("route").asText()).isEqualTo("GET /{code}");
        assertThat(drawn.path("routes").get(0).path("count").asLong()).isEqualTo(1234);
        assertThat(drawn.path("routes").get(0).path("text").asText()).contains("12.3", "4.20 ms");
        assertThat(texts(drawn, "stores")).containsExactly("at-least-once feed-store 1 0 1,234 55.5 KB",
                "at-least-once links-store 0 1 0 –");
        // And the key-value store's figures of the instance serving the page, a missing figure shown as a dash
        assertThat(drawn.path("kvInstance").asText()).isEqualTo("eventline-a");
        assertThat(texts(drawn, "kv")).containsExactly(
                "kv-store 0 active 64.0 KB 12 L0 3 · L1 1 2.0 MB 40 2 90.0 % (90 hits, 10 misses) 0 B "
                        + "1,500 0",
                "kv-<i data-injected=1>store</i> 1 standby 0 B 0 – 0 B – – – (0 hits, 0 misses) 1.0 MB – –");
        assertThat(texts(drawn, "rateLimit")).containsExactly("posts-per-user 100 (2.00/s) 3 (0.10/s) 1 (0.00/s)");
        assertThat(drawn.path("deadLettersTotal").asText()).isEqualTo("3");
        assertThat(texts(drawn, "notify")).containsExactly("push apns 2 12");
        assertThat(texts(drawn, "chat")).containsExactly("eventline-a 3 2", "cluster 3 2");
        assertThat(texts(drawn, "logged")).hasSize(2).first().asString()
                .contains("eventline-a", "WARN", "connection to node 1 lost");
        assertThat(texts(drawn, "logged").get(1)).contains("ERROR", "SMTP refused <script>x</script>");
        // And the story of the descriptor, asked for with its path segment encoded
        assertThat(askedKeys).containsExactly("ratelimit " + DESCRIPTOR);
        assertThat(drawn.path("storyError").isNull()).as(drawn.toString()).isTrue();
        assertThat(texts(drawn, "owners")).containsExactly("at-least-once links-store 1 eventline-a eventline-b");
        assertThat(texts(drawn, "events")).singleElement().asString()
                .contains("shorturl.links.v1 [1] @7", "ShortLink", "created", "\"code\": \"abc123\"");
        assertThat(texts(drawn, "state")).containsExactly("links-store: abc123 → https://example.com");
        // And what looks like markup in the data stayed text
        assertThat(texts(drawn, "deadLetters")).singleElement().asString()
                .contains("<img src=x data-injected=1> not Avro");
        assertThat(texts(drawn, "events").get(0)).contains("<b data-injected=1>bold</b>");
        assertThat(drawn.path("injected").asInt()).isZero();
        assertThat(drawn.path("problems").toString()).doesNotContain("Content Security Policy", "error:");
    }

    private static List<String> texts(JsonNode drawn, String field) {
        final List<String> texts = new ArrayList<>();
        drawn.path(field).forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private Javalin app() {
        final List<ApiRoute> routes = Stream.concat(OpsPageRoutes.fromClasspath().routes().stream(), Stream.of(
                ApiRoute.api(HandlerType.GET, "/api/v1/admin/ops/live", "ops", "fixture", this::live),
                ApiRoute.api(HandlerType.GET, "/api/v1/admin/keys/{kind}/{key}", "ops", "fixture", this::story),
                ApiRoute.api(HandlerType.GET, "/api/v1/admin/kv/stats", "kv", "fixture", this::kvStats)))
                .toList();
        return EventlineWeb.create(routes, List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** The snapshot as server-sent events every 300 ms, until the page goes (or 15 s passed). */
    private void live(Context ctx) throws Exception {
        JwtAuth.requireRole(ctx, "admin");
        final String snapshot = JSON.readTree(fixture("snapshot.json")).toString();
        ctx.status(200).contentType("text/event-stream").header("Cache-Control", "no-store");
        final OutputStream out = ctx.res().getOutputStream();
        try {
            for (int i = 0; i < 50; i++) {
                out.write(("event: snapshot\ndata: " + snapshot + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(300);
            }
        } catch (IOException gone) {
            // the page closed the stream
        }
    }

    private void story(Context ctx) throws IOException {
        JwtAuth.requireRole(ctx, "admin");
        askedKeys.add(ctx.pathParam("kind") + " " + ctx.pathParam("key"));
        ctx.contentType("application/json").result(fixture("key-story.json"));
    }

    private void kvStats(Context ctx) throws IOException {
        JwtAuth.requireRole(ctx, "admin");
        ctx.contentType("application/json").result(fixture("kv-stats.json"));
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = OpsPageFixtureTest.class.getResourceAsStream("/ops-page/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
