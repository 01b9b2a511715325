package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kv.KvStores;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ops page in Debian's headless Chromium, driven by npm's playwright-core ({@code src/test/node/ops-page.mjs}),
 * against a running instance that keeps serving short links while the page is open, and that holds a few
 * key-value entries.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class OpsPageBrowserTest {
    private static final Path SCREENSHOT = Path.of("target", "ops-page.png");
    private static final String REDIRECT_ROUTE = "GET /{code}";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static PlatformFixture platform;

    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final List<String> codes = new CopyOnWriteArrayList<>();
    private final AtomicInteger served = new AtomicInteger();

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
    void shouldSignInShowTheClusterAndItsKvStoresAndTellAShortCodesStoryWithoutLeakingTheToken() throws Exception {
        // Given an instance holding two key-value entries, under a steady load of new short links and their
        // redirects
        final String code = createLink("ops-page-writer");
        writeKeyValues("ops-page-" + UUID.randomUUID().toString().substring(0, 8));
        final Thread load = new Thread(this::keepLoading, "ops-page-load");
        load.start();
        final String admin = platform.token("ops-admin", "admin");
        Files.deleteIfExists(SCREENSHOT);

        // When the page is opened in Chromium and signed in with an admin token
        final JsonNode seen;
        try {
            seen = drivePage(admin, code);
        } finally {
            loading.set(false);
            load.join();
        }

        // Then the page ran without script errors or policy violations
        assertThat(seen.path("failure").asText("")).as("the page run failed: %s", seen).isEmpty();
        assertThat(seen.path("pageErrors")).as("script errors").isEmpty();
        assertThat(seen.path("console").toString()).as("CSP or script complaints").doesNotContain(
                "Content Security Policy", "Refused to");
        // And the key story found the short code just written, with its owner and its events
        assertThat(seen.path("story").path("key").asText()).isEqualTo(code);
        assertThat(seen.path("story").path("error").isNull()).as(seen.path("story").toString()).isTrue();
        assertThat(seen.path("story").path("owners")).isNotEmpty();
        assertThat(seen.path("story").path("events")).isNotEmpty();
        // And the token was sent in headers only: no address, storage or console line the page made holds it
        final List<String> urls = new ArrayList<>();
        seen.path("requests").forEach(url -> urls.add(url.asText()));
        assertThat(urls).anyMatch(url -> url.endsWith("/api/v1/admin/ops/live"))
                .anyMatch(url -> url.contains("/api/v1/admin/keys/shorturl/" + code))
                .noneMatch(url -> url.contains(admin));
        assertThat(seen.path("apiWithoutBearer")).as("API calls without the bearer header").isEmpty();
        assertThat(seen.path("console").toString()).doesNotContain(admin);
        assertThat(seen.path("storage").asText()).doesNotContain(admin);
        assertThat(seen.path("afterSignIn").path("url").asText()).isEqualTo(platform.baseUrl() + "/ops");
        // And a token given in the fragment signs in and is taken out of the address bar
        assertThat(seen.path("fragment").path("url").asText()).isEqualTo(platform.baseUrl() + "/ops");
        // And it read the live stream, and the numbers moved between two updates
        assertThat(seen.path("liveFailure").isNull()).as("live updates: %s", seen.path("liveFailure")).isTrue();
        assertThat(seen.path("first").path("connection").asText()).isEqualTo("live");
        assertThat(seen.path("last").path("update").asInt()).isGreaterThan(seen.path("first").path("update").asInt());
        assertThat(seen.path("last").path("routes").path(REDIRECT_ROUTE).asLong())
                .as("redirects counted (%d served by the load)", served.get())
                .isGreaterThan(seen.path("first").path("routes").path(REDIRECT_ROUTE).asLong());
        // And the task map shows every application's tasks, each with an active owner on this instance
        assertThat(seen.path("taskMap")).isNotEmpty();
        for (JsonNode application : seen.path("taskMap")) {
            assertThat(application.path("instances").asInt()).as(application.toString()).isGreaterThanOrEqualTo(1);
            assertThat(application.path("active").asInt()).as(application.toString()).isGreaterThan(0);
        }
        // And the key-value store panel shows this instance's kv store partitions, among them the active copies
        // of the store that holds the entries just written, with what their memtables or SST files hold
        assertThat(urls).anyMatch(url -> url.endsWith("/api/v1/admin/kv/stats"));
        assertThat(seen.path("kvFailure").isNull()).as("kv panel: %s", seen.path("kvFailure")).isTrue();
        final List<JsonNode> entries = new ArrayList<>();
        seen.path("kv").forEach(row -> {
            if (KvStores.ENTRIES.equals(row.path("store").asText()) && "active".equals(row.path("role").asText())) {
                entries.add(row);
            }
        });
        assertThat(entries).as(seen.path("kv").toString()).isNotEmpty();
        assertThat(entries.stream().mapToLong(row -> row.path("memtableEntries").asLong()
                + row.path("sstBytes").asLong()).sum()).as(entries.toString()).isPositive();
        assertThat(SCREENSHOT).isNotEmptyFile();
    }

    private JsonNode drivePage(String admin, String code) throws Exception {
        return PageScript.run("ops-page.mjs", Map.of("OPS_BASE_URL", platform.baseUrl(), "OPS_TOKEN", admin,
                "OPS_SHORT_CODE", code, "OPS_ROUTE", REDIRECT_ROUTE,
                "OPS_SCREENSHOT", SCREENSHOT.toAbsolutePath().toString()), Duration.ofSeconds(60));
    }

    private void keepLoading() {
        int round = 0;
        while (loading.get()) {
            try {
                if (round % 4 == 0) {
                    codes.add(createLink("ops-page-load-" + round % 5));
                }
                if (!codes.isEmpty()) {
                    final HttpResponse<String> redirect = platform.get("/" + codes.get(round % codes.size()), null);
                    if (redirect.statusCode() == 302) {
                        served.incrementAndGet();
                    }
                }
                round++;
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception | AssertionError e) {
                // a refused or slow request is part of a load; the page's figures are what is checked
            }
        }
    }

    private void writeKeyValues(String namespace) throws Exception {
        final String owner = platform.token("ops-page-kv");
        final HttpResponse<String> created = platform.put("/api/v1/kv/" + namespace, owner, null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        for (String key : List.of("first", "second")) {
            final HttpResponse<String> written = platform.put("/api/v1/kv/" + namespace + "/" + key, owner,
                    "{\"key\":\"" + key + "\"}");
            assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        }
    }

    private String createLink(String user) throws Exception {
        final HttpResponse<String> created = platform.post("/api/v1/urls", platform.token(user),
                "{\"url\":\"https://example.com/ops-page/" + UUID.randomUUID() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return JSON.readTree(created.body()).path("code").asText();
    }
}
