package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Crawls of one site, one after the other, through the whole topology with real fetch work against a real local
 * server: the frontier keeps what a page's last fetch gave, a later crawl asks for the page conditionally, and a
 * 304 still feeds the frontier.
 */
class ConditionalRefetchTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT";

    private final RecordingDispatch workers = new RecordingDispatch();
    private final List<FetchJob> jobs = workers.released;
    private final AtomicReference<String> etag = new AtomicReference<>("\"v1\"");
    private TestSite site;
    private TopologyTestDriver driver;
    private TestInputTopic<String, CrawlCommanded> commands;
    private TestInputTopic<String, UrlsDiscovered> frontier;
    private TestInputTopic<String, FetchReported> fetches;
    private TestInputTopic<String, PageFetched> pages;
    private FetchWork work;
    private int run;
    private long nextEvent = 1;
    private Duration advanced = Duration.ZERO;

    @BeforeEach
    void setUp() throws IOException {
        site = new TestSite();
        // the home page answers 304 to its current ETag, else itself; two pages below it have no validators
        site.page("/", exchange -> {
            final String current = etag.get();
            if (current.equals(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
                exchange.getResponseHeaders().add("ETag", current);
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            TestSite.answer(200, "text/html", "<title>Home " + current + "</title><p>Version " + current + "</p>"
                    + "<a href='/a'>a</a><a href='/b'>b</a>", "ETag", current, "Last-Modified", LAST_MODIFIED)
                    .answer(exchange);
        });
        site.page("/a", TestSite.answer(200, "text/html", "<title>A</title>"));
        site.page("/b", TestSite.answer(200, "text/html", "<title>B</title>"));

        final CrawlerSettings parts = CrawlerSettings.builder().allow("127.0.0.0/8").seenExpectedEntries(1_000)
                .requestTimeout(Duration.ofSeconds(5)).build();
        final AddressGuard guard = new AddressGuard(parts, HostResolver.mapped(
                Map.of("a.test", List.of(InetAddress.getLoopbackAddress())), host -> {
                    throw new java.net.UnknownHostException(host);
                }));
        final Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
        final CrawlerDriver fixture = new CrawlerDriver(FrontierSettings.defaults(parts), workers, START);
        driver = fixture.driver;
        commands = fixture.commands;
        frontier = fixture.frontier;
        fetches = fixture.fetches;
        pages = fixture.pages;
        work = new FetchWork(new PageFetcher(parts, guard, clock), new PageParser(parts),
                new PolitenessKeys(guard, true), new CrawlOutput() {
                    @Override
                    public void page(PageFetched page) {
                        pages.pipeInput(page.getCrawlId(), page, now());
                    }

                    @Override
                    public void discovered(UrlsDiscovered urls) {
                        frontier.pipeInput(urls.getPolitenessKey(), urls, now());
                    }

                    @Override
                    public void report(FetchReported report) {
                        fetches.pipeInput(report.getPolitenessKey(), report, now());
                    }
                }, clock);
    }

    @AfterEach
    void tearDown() {
        driver.close();
        site.close();
    }

    @Test
    void shouldFetchAPageConditionallyInALaterCrawlAndFeedTheFrontierFromA304() {
        // Given: a first crawl fetched the site whole
        crawl("c1");
        assertThat(crawlOf("c1").getFetched()).isEqualTo(3);
        assertThat(kept(home())).satisfies(kept -> {
            assertThat(kept.getEtag()).isEqualTo("\"v1\"");
            assertThat(kept.getLastModified()).isEqualTo(LAST_MODIFIED);
            assertThat(kept.getOutlinks()).containsExactly(url("/a"), url("/b"));
        });

        // When: a new crawl of the same site
        crawl("c2");

        // Then: the home page was asked for with its validators and answered 304
        assertThat(requestsFor("/")).extracting(TestSite.Seen::ifNoneMatch).containsExactly(null, "\"v1\"");
        assertThat(requestsFor("/")).extracting(TestSite.Seen::ifModifiedSince)
                .containsExactly(null, LAST_MODIFIED);
        final PageFetched home = page("c2", home());
        assertThat(home.getNotModified()).isTrue();
        assertThat(home.getStatus()).isEqualTo(304);
        assertThat(home.getTitle()).isEqualTo("Home \"v1\"");
        // and its kept outlinks were queued and fetched in the new crawl
        assertThat(requestsFor("/a")).hasSize(2);
        assertThat(requestsFor("/b")).hasSize(2);
        final Crawl second = crawlOf("c2");
        assertThat(second.getFetched()).isEqualTo(3);
        assertThat(second.getNotModified()).isEqualTo(1);
        assertThat(crawlOf("c1").getNotModified()).isZero();
    }

    @Test
    void shouldReplaceTheValidatorsWhenTheChangedPageComesWhole() {
        // Given: a first crawl, then the page changes
        crawl("c1");
        etag.set("\"v2\"");

        // When
        crawl("c2");

        // Then: the request carried the old ETag, the page came whole and its new validators replaced the old
        assertThat(requestsFor("/")).extracting(TestSite.Seen::ifNoneMatch).containsExactly(null, "\"v1\"");
        assertThat(page("c2", home()).getNotModified()).isFalse();
        assertThat(page("c2", home()).getTitle()).isEqualTo("Home \"v2\"");
        assertThat(kept(home()).getEtag()).isEqualTo("\"v2\"");
        assertThat(crawlOf("c2").getNotModified()).isZero();

        // When: a third crawl
        crawl("c3");

        // Then
        assertThat(requestsFor("/")).extracting(TestSite.Seen::ifNoneMatch).last().isEqualTo("\"v2\"");
        assertThat(crawlOf("c3").getNotModified()).isEqualTo(1);
    }

    @Test
    void shouldFetchAPageWholeAgainOnceItsValidatorsExpired() {
        // Given: a first crawl kept the home page's validators
        crawl("c1");
        assertThat(kept(home())).isNotNull();

        // When: their age passes and the sweep runs
        tick(RefetchSettings.defaults().maxAge().plus(RefetchSettings.defaults().sweepInterval()));

        // Then
        assertThat(kept(home())).isNull();

        // When
        crawl("c2");

        // Then: the request was not conditional, and the validators are kept again
        assertThat(requestsFor("/")).extracting(TestSite.Seen::ifNoneMatch).containsExactly(null, null);
        assertThat(crawlOf("c2").getNotModified()).isZero();
        assertThat(kept(home())).isNotNull();
    }

    @Test
    void shouldKeepNoValidatorsForPagesThatGiveNone() {
        // When
        crawl("c1");

        // Then
        final List<String> keptUrls = new ArrayList<>();
        try (KeyValueIterator<String, PageValidators> all = validators().all()) {
            all.forEachRemaining(entry -> keptUrls.add(entry.key));
        }
        assertThat(keptUrls).containsExactly(home());
    }

    /** Starts a crawl of the site and runs it to its end: releases, fetches and reports until nothing is left. */
    private void crawl(String crawlId) {
        final CrawlConfig config = CrawlConfig.newBuilder().setSeeds(List.of(new CrawlSeed(home(), "127.0.0.1")))
                .setHosts(List.of("a.test")).setDomains(List.of()).setMaxPages(100).setMaxDepth(2).setDelayMs(0)
                .build();
        commands.pipeInput(crawlId, CrawlCommanded.newBuilder().setEventId(Long.toString(nextEvent++))
                .setCrawlId(crawlId).setCommand(CrawlCommand.START).setRequestedBy("alice").setAt(now())
                .setConfig(config).build(), now());
        for (int round = 0; round < 20; round++) {
            tick(Duration.ofMillis(50));
            while (run < jobs.size()) {
                work.run(jobs.get(run++));
            }
        }
    }

    private List<TestSite.Seen> requestsFor(String path) {
        return site.seen().stream().filter(seen -> seen.path().equals(path)).toList();
    }

    private PageValidators kept(String url) {
        return validators().get(url);
    }

    private KeyValueStore<String, PageValidators> validators() {
        return driver.getKeyValueStore(CrawlerStores.VALIDATORS);
    }

    private PageFetched page(String crawlId, String url) {
        return driver.<String, PageFetched>getKeyValueStore(CrawlerStores.PAGES)
                .get(CrawlerStores.urlKey(crawlId, url));
    }

    private Crawl crawlOf(String crawlId) {
        return driver.<String, Crawl>getKeyValueStore(CrawlerStores.CRAWLS).get(crawlId);
    }

    private String home() {
        return url("/");
    }

    private String url(String path) {
        return "http://a.test:" + site.port() + path;
    }

    private void tick(Duration duration) {
        advanced = advanced.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    private Instant now() {
        return START.plus(advanced);
    }
}
