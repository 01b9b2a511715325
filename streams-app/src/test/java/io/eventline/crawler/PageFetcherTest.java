package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PageFetcherTest {
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final String HTML = "text/html; charset=UTF-8";

    private TestSite site;
    private String origin;
    private PageFetcher fetcher;
    private Predicate<String> sameSite;

    @BeforeEach
    void startSite() throws IOException {
        site = new TestSite();
        // a name no DNS knows: only the fetcher's pinned route can reach it
        origin = "http://site.test:" + site.port();
        sameSite = url -> url.startsWith(origin + "/");
        fetcher = fetcher(CrawlerSettings.builder().allow("127.0.0.0/8").requestTimeout(Duration.ofSeconds(2))
                .maxBodyBytes(4096).maxRedirects(3).userAgent("EventlineBot/0.1 (+test)").build());
    }

    @AfterEach
    void stopSite() {
        site.close();
    }

    private PageFetcher fetcher(CrawlerSettings settings) {
        final HostResolver resolver = HostResolver.mapped(
                Map.of("site.test", List.of(InetAddress.getLoopbackAddress()),
                        "elsewhere.test", List.of(InetAddress.getLoopbackAddress())),
                host -> {
                    throw new UnknownHostException(host);
                });
        return new PageFetcher(settings, new AddressGuard(settings, resolver), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private FetchResult fetch(String path) {
        return fetcher.fetch(FetchRequest.of(origin + path, sameSite));
    }

    @Test
    void shouldFetchAPageFromTheCheckedAddressWithTheOriginalHostAndUserAgent() {
        // Given: an HTML page with validators
        site.page("/page", TestSite.answer(200, HTML, "<html><title>Hi</title></html>",
                "ETag", "\"v1\"", "Last-Modified", "Sat, 05 Dec 2026 08:00:00 GMT"));
        // When
        final FetchResult result = fetch("/page");
        // Then: the body, its type and validators; the server saw the page's host name, not an address
        assertThat(result.failure()).as(result.detail()).isNull();
        assertThat(result.fetched()).isTrue();
        assertThat(result.status()).isEqualTo(200);
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).contains("<title>Hi</title>");
        assertThat(result.contentType()).isEqualTo("text/html");
        assertThat(result.charset()).isEqualTo("UTF-8");
        assertThat(result.etag()).isEqualTo("\"v1\"");
        assertThat(result.lastModified()).isEqualTo("Sat, 05 Dec 2026 08:00:00 GMT");
        assertThat(result.finalUrl()).isEqualTo(origin + "/page");
        final TestSite.Seen request = site.seen().get(0);
        assertThat(request.host()).isEqualTo("site.test:" + site.port());
        assertThat(request.userAgent()).isEqualTo("EventlineBot/0.1 (+test)");
        assertThat(request.requestLine()).isEqualTo("GET " + origin + "/page");
    }

    @Test
    void shouldSendValidatorsAndReport304ForAnUnchangedPage() {
        // Given: a page answering 304 to its current ETag
        site.page("/same", exchange -> {
            final boolean unchanged = "\"v1\"".equals(exchange.getRequestHeaders().getFirst("If-None-Match"));
            TestSite.answer(unchanged ? 304 : 200, HTML, unchanged ? "" : "<p>new</p>", "ETag", "\"v1\"")
                    .answer(exchange);
        });
        // When
        final FetchResult result = fetcher.fetch(FetchRequest.of(origin + "/same", sameSite)
                .conditional("\"v1\"", "Sat, 05 Dec 2026 08:00:00 GMT"));
        // Then
        assertThat(result.notModified()).isTrue();
        assertThat(result.body()).isNull();
        assertThat(site.seen().get(0).ifNoneMatch()).isEqualTo("\"v1\"");
        assertThat(site.seen().get(0).ifModifiedSince()).isEqualTo("Sat, 05 Dec 2026 08:00:00 GMT");
    }

    @Test
    void shouldReportRetryAfterOfA429InSecondsOrAsAnHttpDate() {
        // Given: one host asking for two minutes, another until a date five minutes ahead
        site.page("/busy", TestSite.answer(429, "text/plain", "slow down", "Retry-After", "120"));
        site.page("/down", TestSite.answer(503, "text/plain", "", "Retry-After", "Mon, 07 Dec 2026 10:05:00 GMT"));
        // When
        final FetchResult busy = fetch("/busy");
        final FetchResult down = fetch("/down");
        // Then: a response, not a failure, with the wait asked for and no body
        assertThat(busy.failure()).isNull();
        assertThat(busy.status()).isEqualTo(429);
        assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(120));
        assertThat(busy.body()).isNull();
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.retryAfter()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldFollowRedirectsWithinScope() {
        // Given: /old -> /older/../new (relative) -> page
        site.page("/old", TestSite.redirect(301, "/older/../mid?utm_source=x"));
        site.page("/mid", TestSite.redirect(307, origin + "/new#frag"));
        site.page("/new", TestSite.answer(200, HTML, "<p>here</p>"));
        // When
        final FetchResult result = fetch("/old");
        // Then
        assertThat(result.fetched()).isTrue();
        assertThat(result.redirects()).containsExactly(origin + "/mid", origin + "/new");
        assertThat(result.finalUrl()).isEqualTo(origin + "/new");
        assertThat(result.url()).isEqualTo(origin + "/old");
    }

    @Test
    void shouldStopAtARedirectOutOfScope() {
        // Given: a redirect to another host of the same machine, outside the crawl's scope
        site.page("/out", TestSite.redirect(302, "http://elsewhere.test:" + site.port() + "/new"));
        site.page("/new", TestSite.answer(200, HTML, "<p>here</p>"));
        // When
        final FetchResult result = fetch("/out");
        // Then: not requested
        assertThat(result.failure()).isEqualTo(FetchFailure.OUT_OF_SCOPE_REDIRECT);
        assertThat(result.detail()).contains("elsewhere.test");
        assertThat(site.seen()).extracting(TestSite.Seen::path).containsExactly("/out");
    }

    @Test
    void shouldStopAtARedirectToABlockedAddress() {
        // Given: redirects to IPv6 loopback and to the metadata endpoint, not in the allow list (127.0.0.0/8)
        site.page("/to-loopback6", TestSite.redirect(302, "http://[::1]:" + site.port() + "/secret"));
        site.page("/to-metadata", TestSite.redirect(302, "http://169.254.169.254/latest/meta-data/"));
        final Predicate<String> anywhere = url -> true;
        // When
        final FetchResult loopback = fetcher.fetch(FetchRequest.of(origin + "/to-loopback6", anywhere));
        final FetchResult metadata = fetcher.fetch(FetchRequest.of(origin + "/to-metadata", anywhere));
        // Then
        assertThat(loopback.failure()).isEqualTo(FetchFailure.BLOCKED_ADDRESS);
        assertThat(loopback.finalUrl()).isEqualTo("http://[::1]:" + site.port() + "/secret");
        assertThat(metadata.failure()).isEqualTo(FetchFailure.BLOCKED_ADDRESS);
        assertThat(site.seen()).extracting(TestSite.Seen::path).containsExactly("/to-loopback6", "/to-metadata");
    }

    @Test
    void shouldRefuseLoopbackWithoutAnAllowList() {
        // Given: default settings
        final PageFetcher strict = fetcher(CrawlerSettings.defaults());
        // When
        final FetchResult result = strict.fetch(FetchRequest.of(origin + "/page", sameSite));
        // Then: nothing was sent
        assertThat(result.failure()).isEqualTo(FetchFailure.BLOCKED_ADDRESS);
        assertThat(site.seen()).isEmpty();
    }

    @Test
    void shouldStopAfterTooManyRedirects() {
        // Given: a redirect loop growing its query
        site.page("/loop", exchange -> {
            final String query = exchange.getRequestURI().getRawQuery();
            final int n = query == null ? 0 : Integer.parseInt(query.substring(2));
            TestSite.redirect(302, "/loop?n=" + (n + 1)).answer(exchange);
        });
        // When
        final FetchResult result = fetch("/loop");
        // Then: the first request and three redirects, no more
        assertThat(result.failure()).isEqualTo(FetchFailure.TOO_MANY_REDIRECTS);
        assertThat(result.redirects()).hasSize(3);
        assertThat(site.seen()).hasSize(4);
    }

    @Test
    void shouldTimeOutOnASlowResponseOrASlowBody() {
        // Given: one page that never answers, one that stalls after its headers
        site.page("/slow", site.stall(false));
        site.page("/slow-body", site.stall(true));
        final PageFetcher impatient = fetcher(CrawlerSettings.builder().allow("127.0.0.0/8")
                .requestTimeout(Duration.ofMillis(300)).build());
        // When
        final FetchResult slow = impatient.fetch(FetchRequest.of(origin + "/slow", sameSite));
        final FetchResult slowBody = impatient.fetch(FetchRequest.of(origin + "/slow-body", sameSite));
        // Then
        assertThat(slow.failure()).isEqualTo(FetchFailure.TIMEOUT);
        assertThat(slowBody.failure()).isEqualTo(FetchFailure.TIMEOUT);
    }

    @Test
    void shouldStopReadingAtTheBodyCapAndMarkTheBodyTruncated() {
        // Given: a page of 20,000 bytes with a cap of 4,096
        site.page("/big", TestSite.answer(200, HTML, "<p>" + "x".repeat(20_000) + "</p>"));
        // When
        final FetchResult result = fetch("/big");
        // Then
        assertThat(result.failure()).isEqualTo(FetchFailure.TOO_LARGE);
        assertThat(result.truncated()).isTrue();
        assertThat(result.body()).hasSize(4096);
    }

    @Test
    void shouldSkipTheBodyOfAMediaTypeNotFetched() {
        // Given
        site.page("/image", TestSite.answer(200, "image/png", "\u0089PNG"));
        site.page("/xhtml", TestSite.answer(200, "application/xhtml+xml", "<html/>"));
        // When
        final FetchResult image = fetch("/image");
        final FetchResult xhtml = fetch("/xhtml");
        // Then
        assertThat(image.failure()).isEqualTo(FetchFailure.CONTENT_TYPE);
        assertThat(image.body()).isNull();
        assertThat(xhtml.fetched()).isTrue();
    }

    @Test
    void shouldRefuseA2xxWithoutAContentType() {
        // Given
        site.page("/untyped", TestSite.answer(200, null, "<p>what am I</p>"));
        // When
        final FetchResult result = fetch("/untyped");
        // Then
        assertThat(result.failure()).isEqualTo(FetchFailure.CONTENT_TYPE);
        assertThat(result.detail()).isEqualTo("no Content-Type");
    }

    @Test
    void shouldFetchRobotsTxtOfAnyMediaTypeAcrossARedirect() {
        // Given: robots.txt moved, served as text/plain
        site.page("/robots.txt", TestSite.redirect(301, "/meta/robots.txt"));
        site.page("/meta/robots.txt", TestSite.answer(200, "text/plain",
                "User-agent: *\nDisallow: /private/\nCrawl-delay: 1\n"));
        // When
        final RobotsRules rules = fetcher.fetchRobots(origin, null);
        // Then
        assertThat(rules.allowed(origin + "/private/x")).isFalse();
        assertThat(rules.allowed(origin + "/public")).isTrue();
        assertThat(rules.crawlDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(site.seen().get(1).userAgent()).isEqualTo("EventlineBot/0.1 (+test)");
    }

    @Test
    void shouldTakeAMissingRobotsTxtAsAllowAllAndAFailingOneAsRetryLater() {
        // Given: no robots.txt on this site; a second origin whose robots.txt fails; a third that is refused
        site.page("/robots.txt", null);
        // When
        final RobotsRules missing = fetcher.fetchRobots(origin, null);
        site.page("/robots.txt", TestSite.answer(500, "text/plain", "oops"));
        final RobotsRules failing = fetcher.fetchRobots(origin, null);
        final RobotsRules blocked = fetcher.fetchRobots("http://169.254.169.254", null);
        final RobotsFile blockedFile = fetcher.fetchRobotsFile("http://169.254.169.254", null);
        // Then
        assertThat(missing.allowed(origin + "/any")).isTrue();
        assertThat(missing.retryLater()).isFalse();
        assertThat(failing.allowed(origin + "/any")).isFalse();
        assertThat(failing.retryLater()).isTrue();
        assertThat(blocked.retryLater()).isTrue();
        assertThat(blockedFile.status()).isEqualTo(RobotsFile.BLOCKED);
    }

    @Test
    void shouldReportARefusedConnection() throws IOException {
        // Given: a port nothing listens on
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        // When
        final FetchResult result = fetcher.fetch(FetchRequest.of("http://127.0.0.1:" + closedPort + "/", u -> true));
        // Then
        assertThat(result.failure()).isEqualTo(FetchFailure.REFUSED);
        assertThat(result.status()).isZero();
    }
}
