package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crawl of a small local site through the whole platform: two host names on one loopback address (so one
 * politeness budget), a robots.txt disallow, one page under two spellings, a host answering 429 with
 * Retry-After once, a redirect within scope, one out of scope and one to a cloud metadata address, a path trap,
 * a host whose robots.txt asks for a Crawl-delay, and a slow host on addresses of their own.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class CrawlerIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DELAY_MS = 200;

    /** The robots.txt Crawl-delay of crawl-delay.test, in seconds: larger than the crawl's delay, so it wins. */
    private static final int CRAWL_DELAY_SECONDS = 1;
    /** How long slow.test takes to answer a page: far beyond the other hosts' delay, within the request timeout. */
    private static final long SLOW_MS = 1_500;

    /** One request as the site received it, from its arrival to the end of its answer. */
    private record Hit(String host, String path, long atNanos, long doneNanos) {
    }

    private static final List<Hit> HITS = new CopyOnWriteArrayList<>();
    private static final AtomicInteger BUSY_ANSWERS = new AtomicInteger();
    /** The site on 127.0.0.1 (a.test, b.test), 127.0.0.2 (crawl-delay.test) and 127.0.0.3 (slow.test), one port. */
    private static final List<HttpServer> SITE = new ArrayList<>();
    private static ExecutorService siteThreads;
    private static PlatformFixture platform;

    @BeforeAll
    static void start(KafkaCluster kafka) throws Exception {
        siteThreads = Executors.newFixedThreadPool(8);
        for (String address : List.of("127.0.0.1", "127.0.0.2", "127.0.0.3")) {
            final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address),
                    SITE.isEmpty() ? 0 : port()), 0);
            server.setExecutor(siteThreads);
            server.createContext("/", CrawlerIntegrationTest::serve);
            server.start();
            SITE.add(server);
        }
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of(
                "EVENTLINE_CRAWLER_ALLOW", "127.0.0.0/8",
                "EVENTLINE_CRAWLER_HOSTS", "a.test=127.0.0.1,b.test=127.0.0.1,other.test=127.0.0.1,"
                        + "crawl-delay.test=127.0.0.2,slow.test=127.0.0.3,metadata.test=169.254.169.254",
                "EVENTLINE_CRAWLER_WORKERS", "4"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.close();
        }
        SITE.forEach(server -> server.stop(0));
        if (siteThreads != null) {
            siteThreads.shutdownNow();
        }
    }

    private static int port() {
        return SITE.get(0).getAddress().getPort();
    }

    @Test
    void shouldFetchEveryReachablePageOnceHonouringRobotsRetryAfterScopeAndTheDelay() throws Exception {
        // Given
        final String service = platform.token("indexer", "service");
        final String body = "{\"seeds\":[\"" + url("a.test", "/") + "\",\"" + url("crawl-delay.test", "/")
                + "\",\"" + url("slow.test", "/") + "\"],\"scope\":{\"hosts\":[\"a.test\",\"b.test\","
                + "\"crawl-delay.test\",\"slow.test\",\"metadata.test\"]},"
                + "\"maxPages\":100,\"maxDepth\":5,\"delayMs\":" + DELAY_MS + "}";

        // When
        final HttpResponse<String> started = platform.post("/api/v1/crawls", service, body);
        final String crawlId = JSON.readTree(started.body()).get("crawlId").asText();
        final JsonNode done = platform.awaitJson("/api/v1/crawls/" + crawlId, service,
                crawl -> crawl.get("fetched").asInt() == 17 && crawl.get("queued").asInt() == 0
                        && crawl.get("failed").size() == 4, Duration.ofSeconds(60));
        // anything fetched twice would come within a few delays
        Thread.sleep(4 * DELAY_MS);

        // Then: every reachable in-scope page once, /busy once more after its 429, nothing disallowed, the trap's
        // first two levels only, nothing sent to the metadata address
        assertThat(started.statusCode()).isEqualTo(201);
        assertThat(counts()).isEqualTo(Map.ofEntries(
                Map.entry("a.test /robots.txt", 1L), Map.entry("a.test /", 1L), Map.entry("a.test /p1", 1L),
                Map.entry("a.test /p2", 1L), Map.entry("a.test /p3", 1L), Map.entry("a.test /dup", 1L), Map.entry("a.test /copy", 1L),
                Map.entry("a.test /busy", 2L), Map.entry("a.test /away", 1L), Map.entry("a.test /moved", 1L),
                Map.entry("a.test /target", 1L), Map.entry("a.test /leak", 1L),
                Map.entry("a.test /cal/next/", 1L), Map.entry("a.test /cal/next/next/", 1L),
                Map.entry("b.test /robots.txt", 1L), Map.entry("b.test /", 1L), Map.entry("b.test /x", 1L),
                Map.entry("crawl-delay.test /robots.txt", 1L), Map.entry("crawl-delay.test /", 1L),
                Map.entry("crawl-delay.test /c1", 1L), Map.entry("crawl-delay.test /c2", 1L),
                Map.entry("slow.test /robots.txt", 1L), Map.entry("slow.test /", 1L), Map.entry("slow.test /s1", 1L)));
        assertThat(done.get("failed").get("robots-disallowed").asInt()).isEqualTo(1);
        assertThat(done.get("failed").get("out-of-scope-redirect").asInt()).isEqualTo(1);
        assertThat(done.get("failed").get("blocked-address").asInt()).isEqualTo(1);
        assertThat(done.get("failed").get(TrapGuard.REPEATED_SEGMENT).asInt()).isEqualTo(1);
        assertThat(done.get("releasedAgain").asInt()).isZero();
        // Then: a.test and b.test are one address, so one budget: no two requests closer than the delay
        assertGaps(List.of("a.test", "b.test"), Duration.ofMillis(DELAY_MS));
        // Then: robots.txt's Crawl-delay, larger than the crawl's delay, spaces crawl-delay.test's requests
        assertGaps(List.of("crawl-delay.test"), Duration.ofSeconds(CRAWL_DELAY_SECONDS));
        // Then: while slow.test took its time over a page, the other hosts were fetched
        final Hit slow = HITS.stream().filter(hit -> hit.host().equals("slow.test") && hit.path().equals("/"))
                .findFirst().orElseThrow();
        assertThat(HITS).as("requests to a.test while slow.test answered its first page")
                .anyMatch(hit -> hit.host().equals("a.test") && hit.atNanos() > slow.atNanos()
                        && hit.atNanos() < slow.doneNanos());

        // Then: the page is found under its other spelling, with its metadata
        final HttpResponse<String> page = platform.get("/api/v1/crawls/" + crawlId + "/pages?url="
                + URLEncoder.encode(url("a.test", "/dup?b=2&a=1#top"), StandardCharsets.UTF_8), service);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(page.body()).get("items").get(0).get("title").asText()).isEqualTo("Duplicate");
        // Then: of the two pages with one text, the later names the earlier
        assertThat(done.get("duplicates").asInt()).isEqualTo(1);
        final List<String> duplicateOf = java.util.Arrays.asList(duplicateOf(crawlId, "/p3", service),
                duplicateOf(crawlId, "/copy", service));
        assertThat(duplicateOf).as("duplicateOf of /p3 and /copy").isIn(
                java.util.Arrays.asList(null, url("a.test", "/p3")),
                java.util.Arrays.asList(url("a.test", "/copy"), null));
        final HttpResponse<String> pages = platform.get("/api/v1/crawls/" + crawlId + "/pages?limit=5", service);
        assertThat(JSON.readTree(pages.body()).get("items")).hasSize(5);
        assertThat(JSON.readTree(pages.body()).get("nextCursor").isNull()).isFalse();

        // Then: the crawl is the starter's and the admins' only
        assertThat(platform.get("/api/v1/crawls/" + crawlId, platform.token("mallory")).statusCode())
                .isEqualTo(404);
        assertThat(platform.get("/api/v1/crawls/" + crawlId, platform.token("ops", "admin")).statusCode())
                .isEqualTo(200);
        assertThat(platform.post("/api/v1/crawls/" + crawlId + "/cancel", platform.token("mallory"), null)
                .statusCode()).isEqualTo(404);
        final HttpResponse<String> cancelled = platform.post("/api/v1/crawls/" + crawlId + "/cancel", service, null);
        assertThat(JSON.readTree(cancelled.body()).get("state").asText()).isEqualTo("CANCELLED");
        assertThat(JSON.readTree(platform.get("/api/v1/crawls", service).body()).get("items").get(0)
                .get("crawlId").asText()).isEqualTo(crawlId);
    }

    private static String duplicateOf(String crawlId, String path, String token) throws Exception {
        final JsonNode found = JSON.readTree(platform.get("/api/v1/crawls/" + crawlId + "/pages?url="
                + URLEncoder.encode(url("a.test", path), StandardCharsets.UTF_8), token).body());
        return found.get("items").get(0).get("duplicateOf").asText(null);
    }

    private static void assertGaps(List<String> hosts, Duration delay) {
        final List<Long> starts = HITS.stream().filter(hit -> hosts.contains(hit.host())).map(Hit::atNanos)
                .sorted().toList();
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1))).as("gap before request %d to %s", i, hosts)
                    .isGreaterThanOrEqualTo(delay);
        }
    }

    private static Map<String, Long> counts() {
        final Map<String, Long> counts = new java.util.TreeMap<>();
        HITS.forEach(hit -> counts.merge(hit.host() + " " + hit.path(), 1L, Long::sum));
        return counts;
    }

    private static String url(String host, String path) {
        return "http://" + host + ":" + port() + path;
    }

    private static void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            final String host = exchange.getRequestHeaders().getFirst("Host").split(":")[0]
                    .toLowerCase(Locale.ROOT);
            final String path = exchange.getRequestURI().getPath();
            final long arrived = System.nanoTime();
            answer(exchange, host + " " + path);
            HITS.add(new Hit(host, path, arrived, System.nanoTime()));
        }
    }

    private static void answer(HttpExchange exchange, String key) throws IOException {
        switch (key) {
            case "a.test /robots.txt" -> send(exchange, 200, "text/plain", "User-agent: *\nDisallow: /private/\n");
            case "a.test /" -> html(exchange, "Home", "/p1", "/p2", "/dup?b=2&a=1", "/private/secret", "/busy",
                    "/away", "/moved", "/leak", "/cal/next/", url("b.test", "/"));
            case "a.test /p1" -> html(exchange, "One", "/p2", "/p3", "/dup?a=1&b=2#frag");
            case "a.test /p2" -> html(exchange, "Two", "/p1", "/");
            case "a.test /p3", "a.test /copy" -> html(exchange, "Three");
            case "a.test /dup" -> html(exchange, "Duplicate", "/p3", "/copy");
            case "a.test /private/secret" -> html(exchange, "Secret");
            case "a.test /busy" -> {
                if (BUSY_ANSWERS.getAndIncrement() == 0) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                    send(exchange, 429, "text/plain", "slow down");
                } else {
                    html(exchange, "Busy");
                }
            }
            case "a.test /moved" -> {
                exchange.getResponseHeaders().add("Location", "/target");
                exchange.sendResponseHeaders(301, -1);
            }
            case "a.test /target" -> html(exchange, "Target");
            case "a.test /away" -> {
                exchange.getResponseHeaders().add("Location", url("other.test", "/"));
                exchange.sendResponseHeaders(302, -1);
            }
            case "a.test /leak" -> {
                exchange.getResponseHeaders().add("Location", url("metadata.test", "/latest/meta-data/"));
                exchange.sendResponseHeaders(302, -1);
            }
            // a calendar that links to its next page forever, one segment deeper each time
            case "a.test /cal/next/", "a.test /cal/next/next/" -> html(exchange, "Calendar " + key, "next/");
            case "crawl-delay.test /robots.txt" -> send(exchange, 200, "text/plain",
                    "User-agent: *\nCrawl-delay: " + CRAWL_DELAY_SECONDS + "\n");
            case "crawl-delay.test /" -> html(exchange, "Crawl delay", "/c1", "/c2");
            case "crawl-delay.test /c1", "crawl-delay.test /c2" -> html(exchange, "Crawl delay " + key);
            case "slow.test /", "slow.test /s1" -> {
                try {
                    Thread.sleep(SLOW_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                html(exchange, key.endsWith("/") ? "Slow" : "Slow too", "/s1");
            }
            case "b.test /" -> html(exchange, "B", "/x");
            case "b.test /x" -> html(exchange, "X", url("a.test", "/p3"));
            default -> exchange.sendResponseHeaders(404, -1);
        }
    }

    private static void html(HttpExchange exchange, String title, String... links) throws IOException {
        final List<String> anchors = new ArrayList<>();
        for (String link : links) {
            anchors.add("<a href=\"" + link.replace("&", "&amp;") + "\">" + link + "</a>");
        }
        send(exchange, 200, "text/html; charset=utf-8", "<html><head><title>" + title + "</title></head><body><p>"
                + title + " page</p>" + String.join(" ", anchors) + "</body></html>");
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
