package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.http.EventlineWeb;
import io.eventline.serde.Json;
import io.javalin.Javalin;
import io.javalin.testtools.JavalinTest;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ops page and its content-hashed assets, as the jar ships them, over a real socket. */
class OpsPageRoutesTest {
    private static final ObjectMapper JSON = Json.mapper();
    private static final String SECRET = "a-secret-of-at-least-thirty-two-characters";
    private static final Pattern ASSET = Pattern.compile("/ops/assets/([a-z-]+\\.[0-9a-f]{16}\\.(?:js|css))");
    private static final Pattern IMPORT = Pattern.compile("['\"]\\./([a-z-]+\\.[0-9a-f]{16}\\.js)['\"]");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeThePageShellUncachedUnderAStrictPolicy() {
        JavalinTest.test(app(), (server, unused) -> {
            // When
            final HttpResponse<String> page = get(server, "/ops", Map.of());

            // Then
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/html"));
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy ->
                    assertThat(policy).contains("default-src 'none'", "script-src 'self'", "connect-src 'self'",
                            "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval"));
            assertThat(page.body()).doesNotContain("<script>").containsPattern(
                    "<script type=\"module\" src=\"/ops/assets/app\\.[0-9a-f]{16}\\.js\"></script>")
                    .containsPattern("href=\"/ops/assets/ops\\.[0-9a-f]{16}\\.css\"");
        });
    }

    @Test
    void shouldServeEveryAssetThePageReachesUnderItsContentHashForAYear() {
        JavalinTest.test(app(), (server, unused) -> {
            // Given every asset the page refers to, and every script those import
            final Set<String> seen = new HashSet<>();
            final Deque<String> pending = new ArrayDeque<>(names(ASSET, get(server, "/ops", Map.of()).body()));

            // When each is fetched
            while (!pending.isEmpty()) {
                final String name = pending.pop();
                if (!seen.add(name)) {
                    continue;
                }
                final HttpResponse<byte[]> asset = http.send(request(server, "/ops/assets/" + name, Map.of()),
                        HttpResponse.BodyHandlers.ofByteArray());

                // Then it is named after its content, cacheable for a year, with a strong ETag of that hash
                final String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(asset.body())).substring(0, 16);
                assertThat(asset.statusCode()).as(name).isEqualTo(200);
                assertThat(name).contains("." + hash + ".");
                assertThat(asset.headers().firstValue("Cache-Control"))
                        .hasValue("public, max-age=31536000, immutable");
                assertThat(asset.headers().firstValue("ETag")).hasValue('"' + hash + '"');
                assertThat(asset.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                        .startsWith(name.endsWith(".js") ? "text/javascript" : "text/css"));
                final String text = new String(asset.body(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(text).as("imports rewritten to hashed names").doesNotContainPattern(
                        "['\"]\\./[a-z-]+\\.js['\"]");
                pending.addAll(names(IMPORT, text));
            }
            assertThat(seen).anyMatch(name -> name.startsWith("app.")).anyMatch(name -> name.startsWith("live."))
                    .anyMatch(name -> name.startsWith("views.")).anyMatch(name -> name.startsWith("ops."));
        });
    }

    @Test
    void shouldAnswerNotModifiedToTheSameETag() {
        JavalinTest.test(app(), (server, unused) -> {
            // Given
            final String name = names(ASSET, get(server, "/ops", Map.of()).body()).get(0);
            final HttpResponse<String> first = get(server, "/ops/assets/" + name, Map.of());
            final String etag = first.headers().firstValue("ETag").orElseThrow();

            // When
            final HttpResponse<String> same = get(server, "/ops/assets/" + name, Map.of("If-None-Match", etag));
            final HttpResponse<String> weak = get(server, "/ops/assets/" + name,
                    Map.of("If-None-Match", "\"other\", W/" + etag));
            final HttpResponse<String> other = get(server, "/ops/assets/" + name,
                    Map.of("If-None-Match", "\"0123456789abcdef\""));
            final String pageEtag = get(server, "/ops", Map.of()).headers().firstValue("ETag").orElseThrow();
            final HttpResponse<String> page = get(server, "/ops", Map.of("If-None-Match", pageEtag));

            // Then
            assertThat(same.statusCode()).isEqualTo(304);
            assertThat(same.body()).isEmpty();
            assertThat(same.headers().firstValue("ETag")).hasValue(etag);
            assertThat(same.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
            assertThat(weak.statusCode()).isEqualTo(304);
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).isEqualTo(first.body());
            assertThat(page.statusCode()).isEqualTo(304);
            assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
        });
    }

    @Test
    void shouldAnswerAnUnknownOrUnhashedAssetWithAProblem() {
        JavalinTest.test(app(), (server, unused) -> {
            for (String path : List.of("/ops/assets/app.js", "/ops/assets/app.0000000000000000.js",
                    "/ops/assets/..%2Fapp.js", "/ops/assets/index.html")) {
                // When
                final HttpResponse<String> response = get(server, path, Map.of());

                // Then
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(JSON.readTree(response.body()).path("status").asInt()).isEqualTo(404);
                assertThat(response.headers().firstValue("Cache-Control")).as(path)
                        .isNotEqualTo(java.util.Optional.of("public, max-age=31536000, immutable"));
            }
        });
    }

    private static List<String> names(Pattern pattern, String text) {
        final Matcher matcher = pattern.matcher(text);
        final List<String> names = new java.util.ArrayList<>();
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private Javalin app() {
        final JwtAuth auth = new JwtAuth(SECRET, Clock.systemUTC());
        return EventlineWeb.create(OpsPageRoutes.fromClasspath().routes(), List.of(), List.of(), auth,
                new InternalCalls(SECRET, Clock.systemUTC(), InternalCalls.DEFAULT_MAX_SKEW), JSON,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    private HttpRequest request(Javalin server, String path, Map<String, String> headers) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + path)).GET();
        headers.forEach(request::header);
        return request.build();
    }

    private HttpResponse<String> get(Javalin server, String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        return http.send(request(server, path, headers), HttpResponse.BodyHandlers.ofString());
    }
}
