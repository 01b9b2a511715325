package io.eventline.shorturl;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ShortUrlApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PlatformFixture platform;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldRedirectRightAfterTheLinkIsCreated() throws Exception {
        // Given
        final String alice = platform.token("alice");

        // When
        final HttpResponse<String> created = platform.post("/api/v1/urls", alice,
                "{\"url\":\"https://example.com/" + UUID.randomUUID() + "\"}");
        final JsonNode link = JSON.readTree(created.body());
        final HttpResponse<String> redirect = platform.get("/" + link.get("code").asText(), null);

        // Then
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(link.get("code").asText()).matches("[0-9a-zA-Z]{7}");
        assertThat(link.get("shortUrl").asText()).isEqualTo(platform.baseUrl() + "/" + link.get("code").asText());
        assertThat(link.get("redirect").asInt()).isEqualTo(302);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains(link.get("url").asText());
    }

    @Test
    void shouldRedirectRightAfterCreationForUsersOnEveryPartition() throws Exception {
        // Given: enough users that their requests, and so their generated codes, land on every partition
        final List<String> users = new ArrayList<>();
        for (int i = 0; i < 4 * PlatformFixture.TOPIC_PARTITIONS; i++) {
            users.add("spread-" + i);
        }

        for (String user : users) {
            // When: each creates a link with a generated code
            final HttpResponse<String> created = platform.post("/api/v1/urls", platform.token(user),
                    "{\"url\":\"https://example.com/" + user + "/" + UUID.randomUUID() + "\"}");

            // Then: the code redirects at once, so its link was stored where the code is looked up
            assertThat(created.statusCode()).isEqualTo(201);
            final HttpResponse<String> redirect = platform.get("/" + code(created), null);
            assertThat(redirect.statusCode()).as("redirect of %s's code", user).isEqualTo(302);
        }
    }

    @Test
    void shouldAnswer200WithTheSameCodeWhenTheSameLinkIsPostedAgain() throws Exception {
        final String alice = platform.token("alice");
        final String body = "{\"url\":\"https://example.com/same/" + UUID.randomUUID() + "\",\"redirect\":301}";

        final HttpResponse<String> first = platform.post("/api/v1/urls", alice, body);
        final HttpResponse<String> again = platform.post("/api/v1/urls", alice, body);
        final HttpResponse<String> byBob = platform.post("/api/v1/urls", platform.token("bob"), body);

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(code(again)).isEqualTo(code(first));
        assertThat(byBob.statusCode()).isEqualTo(201);
        assertThat(code(byBob)).isNotEqualTo(code(first));
        final HttpResponse<String> redirect = platform.get("/" + code(first), null);
        assertThat(redirect.statusCode()).isEqualTo(301);
    }

    @Test
    void shouldRejectATakenCustomAliasWith409() throws Exception {
        final String alias = "a" + UUID.randomUUID().toString().substring(0, 8);

        final HttpResponse<String> first = platform.post("/api/v1/urls", platform.token("alice"),
                "{\"url\":\"https://example.com/a\",\"code\":\"" + alias + "\"}");
        final HttpResponse<String> taken = platform.post("/api/v1/urls", platform.token("bob"),
                "{\"url\":\"https://example.com/b\",\"code\":\"" + alias + "\"}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(code(first)).isEqualTo(alias);
        assertThat(taken.statusCode()).isEqualTo(409);
        assertThat(taken.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(taken.body()).get("type").asText()).endsWith("/code-taken");
    }

    private static int port() {
        return java.net.URI.create(platform.baseUrl()).getPort();
    }

    @Test
    void shouldKeepANonAsciiLinkPercentEncodedAndRedirectWithAnAsciiLocation() throws Exception {
        // Given: a link with a non-ASCII host, path and query
        final String alice = platform.token("alice");
        final String unique = UUID.randomUUID().toString();
        final String iri = "https://b\u00fccher.example/caf\u00e9/" + unique + "?q=\u65e5\u672c";
        final String ascii = "https://xn--bcher-kva.example/caf%C3%A9/" + unique + "?q=%E6%97%A5%E6%9C%AC";

        // When: it is shortened and followed
        final HttpResponse<String> created = platform.post("/api/v1/urls", alice,
                JSON.createObjectNode().put("url", iri).toString());
        final JsonNode link = JSON.readTree(created.body());
        final HttpResponse<String> redirect = platform.get("/" + link.get("code").asText(), null);

        // Then: the link is kept and answered as its ASCII URI, and Location carries exactly that
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(link.get("url").asText()).isEqualTo(ascii);
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).hasValue(ascii);
        assertThat(redirect.headers().firstValue("Location").orElseThrow().chars().allMatch(c -> c > 0x20 && c < 0x7f))
                .isTrue();
    }

    @Test
    void shouldRejectBadLinksWith400AndAPointerToTheField() throws Exception {
        final String alice = platform.token("alice");
        final List<String> badUrls = List.of("javascript:alert(1)", "data:text/html,hi", "/relative/path",
                "ftp://example.com/file", platform.baseUrl() + "/loop", "https://example.com/" + "x".repeat(2048),
                "http://127.0.0.1:" + port() + "/loop", "http://[::1]:" + port() + "/loop",
                "http://localhost.:" + port() + "/loop", "http://0.0.0.0:" + port() + "/loop",
                "http://" + java.net.InetAddress.getLocalHost().getHostName() + ":" + port() + "/loop");

        for (String url : badUrls) {
            final HttpResponse<String> response = platform.post("/api/v1/urls", alice,
                    JSON.createObjectNode().put("url", url).toString());
            assertThat(response.statusCode()).as(url).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(response.body()).at("/errors/0/pointer").asText()).as(url).isEqualTo("/url");
        }
        final HttpResponse<String> reserved = platform.post("/api/v1/urls", alice,
                "{\"url\":\"https://example.com\",\"code\":\"Metrics\"}");
        assertThat(reserved.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reserved.body()).at("/errors/0/pointer").asText()).isEqualTo("/code");
        assertThat(platform.post("/api/v1/urls", alice, "{not json").statusCode()).isEqualTo(400);
        assertThat(platform.post("/api/v1/urls", alice, "[1,2]").statusCode()).isEqualTo(400);
        final HttpResponse<String> huge = platform.post("/api/v1/urls", alice,
                "{\"url\":\"https://example.com/" + "y".repeat(100_000) + "\"}");
        assertThat(huge.statusCode()).isEqualTo(413);
    }

    @Test
    void shouldRequireABearerTokenOnTheApiButNotOnRedirects() throws Exception {
        final HttpResponse<String> missing = platform.post("/api/v1/urls", null, "{\"url\":\"https://example.com\"}");
        final HttpResponse<String> forged = platform.get("/api/v1/urls", "not-a-jwt");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("Bearer"));
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(platform.get("/nosuchcode1", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldCountClicksForTheOwnerAndHideStatsFromOthers() throws Exception {
        final String alice = platform.token("alice");
        final String code = code(platform.post("/api/v1/urls", alice,
                "{\"url\":\"https://example.com/clicks/" + UUID.randomUUID() + "\"}"));

        for (int i = 0; i < 3; i++) {
            assertThat(platform.get("/" + code, null).statusCode()).isEqualTo(302);
        }

        final JsonNode stats = eventually(Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> JSON.readTree(platform.get("/api/v1/urls/" + code + "/stats", alice).body()),
                answer -> answer.at("/clicks/total").asLong() == 3);
        assertThat(stats.get("code").asText()).isEqualTo(code);
        assertThat(stats.at("/clicks/total").asLong()).isEqualTo(3);
        assertThat(stats.at("/clicks/lastHour").asLong()).isEqualTo(3);
        assertThat(stats.at("/clicks/last24h").asLong()).isEqualTo(3);
        assertThat(platform.get("/api/v1/urls/" + code + "/stats", platform.token("bob")).statusCode())
                .isEqualTo(404);
        assertThat(platform.get("/api/v1/urls/" + code + "/stats", platform.token("root", "admin")).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldListTheCallersLinksNewestFirstInPages() throws Exception {
        final String user = "lister-" + UUID.randomUUID();
        final String token = platform.token(user);
        final List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(code(platform.post("/api/v1/urls", token, "{\"url\":\"https://example.com/list/" + i + "\"}")));
            Thread.sleep(5);
        }

        final List<String> listed = new ArrayList<>();
        JsonNode page = awaitPage(token, "/api/v1/urls?limit=2", 2);
        page.get("items").forEach(item -> listed.add(item.get("code").asText()));
        final String cursor = page.get("nextCursor").asText();
        page = JSON.readTree(platform.get("/api/v1/urls?limit=2&cursor=" + cursor, token).body());
        page.get("items").forEach(item -> listed.add(item.get("code").asText()));

        assertThat(listed).containsExactly(created.get(2), created.get(1), created.get(0));
        assertThat(page.get("nextCursor").isNull()).isTrue();
        assertThat(platform.get("/api/v1/urls?limit=101", token).statusCode()).isEqualTo(400);
        assertThat(platform.get("/api/v1/urls?cursor=bogus", token).statusCode()).isEqualTo(400);
    }

    private static JsonNode awaitPage(String token, String path, int size) throws Exception {
        return eventually(Duration.ofSeconds(30), Duration.ofMillis(100),
                () -> JSON.readTree(platform.get(path, token).body()),
                page -> page.get("items").size() == size && !page.get("nextCursor").isNull());
    }

    private static String code(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("code").asText();
    }
}
