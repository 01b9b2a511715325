package io.eventline.crawler;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchWorkTest {
    private static final String LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";

    /** What the workers published, in order. */
    private static final class Recorded implements CrawlOutput {
        final List<PageFetched> pages = new CopyOnWriteArrayList<>();
        final List<UrlsDiscovered> discovered = new CopyOnWriteArrayList<>();
        final List<FetchReported> reports = new CopyOnWriteArrayList<>();

        @Override
        public void page(PageFetched page) {
            pages.add(page);
        }

        @Override
        public void discovered(UrlsDiscovered urls) {
            discovered.add(urls);
        }

        @Override
        public void report(FetchReported report) {
            reports.add(report);
        }
    }

    private TestSite site;
    private final Recorded output = new Recorded();
    private FetchWork work;

    @BeforeEach
    void setUp() throws Exception {
        site = new TestSite();
        final CrawlerSettings settings = CrawlerSettings.builder().allow("127.0.0.0/8")
                .requestTimeout(Duration.ofSeconds(5)).build();
        final InetAddress loopback = InetAddress.getByName("127.0.0.1");
        final HostResolver resolver = HostResolver.mapped(Map.of("site.test", List.of(loopback),
                "twin.test", List.of(loopback), "other.test", List.of(InetAddress.getByName("127.0.0.2"))),
                host -> {
                    throw new java.net.UnknownHostException(host);
                });
        final AddressGuard guard = new AddressGuard(settings, resolver);
        work = new FetchWork(new PageFetcher(settings, guard, Clock.systemUTC()), new PageParser(settings),
                new PolitenessKeys(guard, true), output, Clock.systemUTC());
    }

    @AfterEach
    void tearDown() {
        site.close();
    }

    @Test
    void shouldPublishThePageAndSendInScopeOutlinksByTheirPolitenessKeys() {
        // Given: a page linking to its own host, a second name of the same address, and a host out of scope
        site.page("/", TestSite.answer(200, "text/html", "<title>Home</title><p>Hello</p>"
                + "<a href='/a'>a</a><a href='http://twin.test:" + site.port() + "/b'>b</a>"
                + "<a href='http://elsewhere.test/'>x</a>"));

        // When
        work.run(job(url("site.test", "/"), false, List.of("site.test", "twin.test")));

        // Then
        assertThat(output.pages).singleElement().satisfies(page -> {
            assertThat(page.getTitle()).isEqualTo("Home");
            assertThat(page.getText()).contains("Hello");
            assertThat(page.getDepth()).isZero();
        });
        assertThat(output.discovered).singleElement().satisfies(batch -> {
            assertThat(batch.getPolitenessKey()).isEqualTo("127.0.0.1");
            assertThat(batch.getDepth()).isEqualTo(1);
            assertThat(batch.getUrls()).containsExactly(url("site.test", "/a"), url("twin.test", "/b"));
        });
        assertThat(output.reports).singleElement().satisfies(report -> {
            assertThat(report.getStatus()).isEqualTo(200);
            assertThat(report.getFailure()).isNull();
            assertThat(report.getPolitenessKey()).isEqualTo("127.0.0.1");
        });
    }

    @Test
    void shouldReportRobotsTxtAsFetched() {
        // Given
        site.page("/robots.txt", TestSite.answer(200, "text/plain", "User-agent: *\nDisallow: /private/\n"));

        // When
        work.run(job(url("site.test", "/page"), true, List.of("site.test")));

        // Then
        assertThat(output.pages).isEmpty();
        assertThat(output.reports).singleElement().satisfies(report -> {
            assertThat(report.getRobots()).isNotNull();
            assertThat(report.getRobots().getStatus()).isEqualTo(200);
            assertThat(new String(report.getRobots().getBody().array())).contains("Disallow: /private/");
        });
    }

    @Test
    void shouldReportRetryAfterOfA429WithoutAPage() {
        // Given
        site.page("/busy", TestSite.answer(429, "text/plain", "slow down", "Retry-After", "7"));

        // When
        work.run(job(url("site.test", "/busy"), false, List.of("site.test")));

        // Then
        assertThat(output.pages).isEmpty();
        assertThat(output.reports).singleElement().satisfies(report -> {
            assertThat(report.getStatus()).isEqualTo(429);
            assertThat(report.getRetryAfterMs()).isEqualTo(7_000L);
        });
    }

    @Test
    void shouldRefuseARedirectOutOfScopeWithoutFollowingIt() {
        // Given
        site.page("/away", TestSite.redirect(302, "http://other.test:" + site.port() + "/"));

        // When
        work.run(job(url("site.test", "/away"), false, List.of("site.test")));

        // Then
        assertThat(output.pages).isEmpty();
        assertThat(output.reports).singleElement().satisfies(report ->
                assertThat(report.getFailure()).isEqualTo("out-of-scope-redirect"));
        assertThat(site.seen()).extracting(TestSite.Seen::path).containsExactly("/away");
    }

    @Test
    void shouldSendAnInScopeRedirectsTargetToTheFrontierInsteadOfFollowingIt() {
        // Given
        site.page("/old", TestSite.redirect(301, "/new"));

        // When
        work.run(job(url("site.test", "/old"), false, List.of("site.test")));

        // Then: the target waits its turn in its key's queue, at the same depth
        assertThat(output.pages).isEmpty();
        assertThat(output.discovered).singleElement().satisfies(batch -> {
            assertThat(batch.getUrls()).containsExactly(url("site.test", "/new"));
            assertThat(batch.getDepth()).isZero();
        });
        assertThat(output.reports).singleElement().satisfies(report ->
                assertThat(report.getFailure()).isEqualTo(FetchWork.REDIRECTED));
        assertThat(site.seen()).extracting(TestSite.Seen::path).containsExactly("/old");
    }

    @Test
    void shouldRunJobsOnWorkerThreadsAndRefuseBeyondTheirNumber() throws Exception {
        // Given: one worker, busy with a page that stalls
        site.page("/slow", site.stall(false));
        try (FetchWorkers workers = new FetchWorkers(1, work)) {
            // When
            final boolean first = workers.offer(job(url("site.test", "/slow"), false, List.of("site.test")));
            final boolean second = workers.offer(job(url("site.test", "/other"), false, List.of("site.test")));

            // Then
            assertThat(first).isTrue();
            assertThat(second).isFalse();
            assertThat(workers.inFlight()).isEqualTo(1);
        }
    }

    @Test
    void shouldAbandonARunningRequestOfAKeyWithoutPublishingAnythingOfIt() throws Exception {
        // Given: one worker, busy with a page that stalls
        site.page("/slow", site.stall(true));
        try (FetchWorkers workers = new FetchWorkers(1, work)) {
            assertThat(workers.offer(job(url("site.test", "/slow"), false, List.of("site.test")))).isTrue();
            eventually(Duration.ofSeconds(5), Duration.ofMillis(5), () -> !site.seen().isEmpty());

            // When: its frontier task closes
            workers.abandon(List.of("other-key"));
            final boolean stillRunning = workers.inFlight() == 1;
            workers.abandon(List.of("127.0.0.1"));

            // Then: another key's abandoning leaves it be; its own stops it, and nothing of it is published
            assertThat(stillRunning).isTrue();
            eventually(Duration.ofSeconds(5), Duration.ofMillis(5), () -> workers.inFlight() == 0);
            assertThat(workers.inFlight()).isZero();
            assertThat(output.pages).isEmpty();
            assertThat(output.reports).isEmpty();
            // and the worker takes the next job as usual
            site.page("/next", TestSite.answer(200, "text/html", "<html><title>Next</title></html>"));
            assertThat(workers.offer(job(url("site.test", "/next"), false, List.of("site.test")))).isTrue();
            eventually(Duration.ofSeconds(5), Duration.ofMillis(5), () -> output.reports.size() == 1);
            assertThat(output.reports).singleElement().satisfies(report ->
                    assertThat(report.getStatus()).isEqualTo(200));
        }
    }

    @Test
    void shouldSendTheKeptValidatorsAndPublishA304AsNotModifiedWithItsKeptOutlinks() {
        // Given: a page kept from an earlier fetch, which the server says has not changed since
        site.page("/", unlessNotModified("\"v1\"", TestSite.answer(200, "text/html", "<title>New</title>")));
        final PageValidators kept = validators("\"v1\"", LAST_MODIFIED,
                List.of(url("site.test", "/a"), "http://elsewhere.test/x"));

        // When
        work.run(withPrevious(job(url("site.test", "/"), false, List.of("site.test")), kept));

        // Then: the request was conditional
        assertThat(site.seen()).singleElement().satisfies(seen -> {
            assertThat(seen.ifNoneMatch()).isEqualTo("\"v1\"");
            assertThat(seen.ifModifiedSince()).isEqualTo(LAST_MODIFIED);
        });
        // and the page is published from what was kept, without text
        assertThat(output.pages).singleElement().satisfies(page -> {
            assertThat(page.getNotModified()).isTrue();
            assertThat(page.getStatus()).isEqualTo(304);
            assertThat(page.getTitle()).isEqualTo("Home");
            assertThat(page.getContentHash()).isEqualTo("hash-1");
            assertThat(page.getText()).isEmpty();
            assertThat(page.getEtag()).isEqualTo("\"v1\"");
        });
        // and its kept outlinks go through the scope check, one link deeper, as fresh ones do
        assertThat(output.discovered).singleElement().satisfies(batch -> {
            assertThat(batch.getUrls()).containsExactly(url("site.test", "/a"));
            assertThat(batch.getDepth()).isEqualTo(1);
        });
        assertThat(output.reports).singleElement().satisfies(report -> {
            assertThat(report.getStatus()).isEqualTo(304);
            assertThat(report.getFailure()).isNull();
            assertThat(report.getValidators()).isNull();
        });
    }

    @Test
    void shouldReportTheNewValidatorsWhenAConditionalRequestGetsTheWholePage() {
        // Given: the page changed since the kept fetch
        site.page("/", unlessNotModified("\"v2\"", TestSite.answer(200, "text/html",
                "<title>Changed</title><a href='/b'>b</a>", "ETag", "\"v2\"")));

        // When
        work.run(withPrevious(job(url("site.test", "/"), false, List.of("site.test")),
                validators("\"v1\"", null, List.of())));

        // Then
        assertThat(site.seen()).extracting(TestSite.Seen::ifNoneMatch).containsExactly("\"v1\"");
        assertThat(output.pages).singleElement().satisfies(page -> {
            assertThat(page.getNotModified()).isFalse();
            assertThat(page.getTitle()).isEqualTo("Changed");
        });
        assertThat(output.reports).singleElement().satisfies(report -> {
            assertThat(report.getStatus()).isEqualTo(200);
            assertThat(report.getValidators().getEtag()).isEqualTo("\"v2\"");
            assertThat(report.getValidators().getTitle()).isEqualTo("Changed");
            assertThat(report.getValidators().getOutlinks()).containsExactly(url("site.test", "/b"));
        });
    }

    @Test
    void shouldKeepAtMostTheCappedOutlinksOfAPageWithValidators() {
        // Given: a page with more links than are kept, out of scope ones among them
        final StringBuilder body = new StringBuilder("<title>Many</title>");
        for (int i = 0; i < RefetchValidators.MAX_OUTLINKS + 100; i++) {
            body.append("<a href='http://elsewhere.test/").append(i).append("'>x</a>");
        }
        site.page("/", TestSite.answer(200, "text/html", body.toString(), "Last-Modified", LAST_MODIFIED));

        // When
        work.run(job(url("site.test", "/"), false, List.of("site.test")));

        // Then: the first links are kept whatever their scope, up to the cap
        assertThat(output.reports).singleElement().satisfies(report -> {
            final PageValidators kept = report.getValidators();
            assertThat(kept.getEtag()).isNull();
            assertThat(kept.getLastModified()).isEqualTo(LAST_MODIFIED);
            assertThat(kept.getOutlinks()).hasSize(RefetchValidators.MAX_OUTLINKS)
                    .startsWith("http://elsewhere.test/0");
            assertThat(kept.getOutlinksTruncated()).isTrue();
        });
    }

    @Test
    void shouldKeepNothingOfAPageWithoutValidators() {
        // Given
        site.page("/", TestSite.answer(200, "text/html", "<title>Plain</title>"));

        // When
        work.run(job(url("site.test", "/"), false, List.of("site.test")));

        // Then
        assertThat(site.seen()).extracting(TestSite.Seen::ifNoneMatch).containsOnlyNulls();
        assertThat(output.reports).singleElement().satisfies(report ->
                assertThat(report.getValidators()).isNull());
    }

    /** Answers 304 to a request whose If-None-Match is {@code etag}, else as {@code page}. */
    private static TestSite.Page unlessNotModified(String etag, TestSite.Page page) {
        return exchange -> {
            if (etag.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.getResponseHeaders().add("ETag", etag);
                exchange.sendResponseHeaders(304, -1);
            } else {
                page.answer(exchange);
            }
        };
    }

    private static FetchJob withPrevious(FetchJob job, PageValidators previous) {
        return new FetchJob(job.politenessKey(), job.entry(), job.robots(), job.config(), previous);
    }

    private static PageValidators validators(String etag, String lastModified, List<String> outlinks) {
        return PageValidators.newBuilder().setEtag(etag).setLastModified(lastModified).setStatus(200)
                .setContentType("text/html").setTitle("Home").setContentHash("hash-1").setOutlinks(outlinks)
                .setFetchedAt(java.time.Instant.parse("2026-01-01T00:00:00Z")).build();
    }

    private String url(String host, String path) {
        return "http://" + host + ":" + site.port() + path;
    }

    private static FetchJob job(String url, boolean robots, List<String> hosts) {
        final CrawlConfig config = CrawlConfig.newBuilder().setSeeds(List.of()).setHosts(hosts).setDomains(List.of())
                .setMaxPages(100).setMaxDepth(3).setDelayMs(0).build();
        final QueuedUrl entry = QueuedUrl.newBuilder().setCrawlId("c1").setUrl(url)
                .setHost(CrawlScope.hostOf(url)).setDepth(0).build();
        return new FetchJob("127.0.0.1", entry, robots, config);
    }
}
