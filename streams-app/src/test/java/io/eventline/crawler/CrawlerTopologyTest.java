package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CrawlerTopologyTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final String KEY = "127.0.0.1";
    private static final String HOST = "a.test";

    /** The fetch workers as the frontier sees them: they take jobs while they have room. */
    private static final class Workers implements FetchDispatch {
        final List<FetchJob> jobs = new ArrayList<>();
        int room = 100;

        @Override
        public boolean offer(FetchJob job) {
            if (room == 0) {
                return false;
            }
            room--;
            jobs.add(job);
            return true;
        }

        @Override
        public void abandon(java.util.Collection<String> politenessKeys) {
            // the driver's tasks never hand their keys to another owner
        }
    }

    private final Workers workers = new Workers();
    private TopologyTestDriver driver;
    private TestInputTopic<String, CrawlCommanded> commands;
    private TestInputTopic<String, UrlsDiscovered> frontier;
    private TestInputTopic<String, FetchReported> fetches;
    private TestInputTopic<String, PageFetched> pages;
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private long nextEvent = 1;
    private Duration advanced = Duration.ZERO;

    @BeforeEach
    void setUp() {
        final CrawlerDriver fixture = new CrawlerDriver(FrontierSettings.defaults(CrawlerSettings.builder()
                .seenExpectedEntries(10_000).build()), workers, START);
        driver = fixture.driver;
        commands = fixture.commands;
        frontier = fixture.frontier;
        fetches = fixture.fetches;
        pages = fixture.pages;
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                fixture.serdes.of(OperationOutcome.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldFetchRobotsTxtBeforeTheFirstPageOfAHost() {
        // Given
        start("c1", "alice", 0, "http://a.test/");

        // When
        tick(Duration.ofMillis(50));

        // Then
        assertThat(workers.jobs).singleElement().satisfies(job -> {
            assertThat(job.robots()).isTrue();
            assertThat(job.entry().getHost()).isEqualTo(HOST);
        });
    }

    @Test
    void shouldReleaseOneRequestPerKeyAtATime() {
        // Given
        start("c1", "alice", 0, "http://a.test/", "http://a.test/b");
        robotsAllowAll("c1");

        // When: two URLs are due but the first is not reported yet
        tick(Duration.ofMillis(50));
        tick(Duration.ofMillis(50));

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/");

        // When: it is reported
        report("c1", "http://a.test/", 200, null);
        tick(Duration.ofMillis(50));

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/", "http://a.test/b");
    }

    @Test
    void shouldReleaseShallowerUrlsFirstThenInDiscoveryOrder() {
        // Given: a queue holding depths 2, 1, 1 in that order of discovery
        start("c1", "alice", 0, "http://a.test/");
        robotsAllowAll("c1");
        completeNext("c1", 200);
        discover("c1", 2, "http://a.test/deep");
        discover("c1", 1, "http://a.test/one", "http://a.test/two");

        // When
        for (int i = 0; i < 3; i++) {
            tick(Duration.ofMillis(50));
            completeNext("c1", 200);
        }

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/", "http://a.test/one", "http://a.test/two",
                "http://a.test/deep");
    }

    @Test
    void shouldQueueAUrlOnlyOncePerCrawl() {
        // Given
        start("c1", "alice", 0, "http://a.test/");
        robotsAllowAll("c1");
        completeNext("c1", 200);

        // When: the seed is linked again and a new page twice
        discover("c1", 1, "http://a.test/", "http://a.test/x", "http://a.test/x");
        discover("c1", 1, "http://a.test/x");
        for (int i = 0; i < 3; i++) {
            tick(Duration.ofMillis(50));
            completeNext("c1", 200);
        }

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/", "http://a.test/x");
        assertThat(crawl("c1").getFetched()).isEqualTo(2);
    }

    @Test
    void shouldKeepTheLargestDelayOfTheCrawlsSharingAKey() {
        // Given: two crawls on one key, delays 100 ms and 500 ms
        start("c1", "alice", 100, "http://a.test/1");
        start("c2", "bob", 500, "http://a.test/2");
        robotsAllowAll("c1");
        // the robots.txt request is one request to the key too
        tick(Duration.ofMillis(500));
        completeNext("c1", 200);
        final Instant fetched = now();

        // When: 499 ms after the first request started
        tick(Duration.between(now(), fetched.plusMillis(499)));

        // Then
        assertThat(pageUrls()).hasSize(1);

        // When: 500 ms after it
        tick(Duration.ofMillis(25));

        // Then
        assertThat(pageUrls()).hasSize(2);
    }

    @Test
    void shouldHonourRetryAfterOfA429AndFetchTheUrlAgain() {
        // Given
        start("c1", "alice", 0, "http://a.test/");
        robotsAllowAll("c1");
        tick(Duration.ofMillis(50));

        // When: the page answers 429 with Retry-After: 5
        reportWith("c1", "http://a.test/", 429, null, 5_000L, now());
        tick(Duration.ofMillis(4_900));

        // Then: nothing is released before the wait
        assertThat(pageUrls()).containsExactly("http://a.test/");

        // When
        tick(Duration.ofMillis(200));

        // Then: the same URL is fetched again
        assertThat(pageUrls()).containsExactly("http://a.test/", "http://a.test/");
    }

    @Test
    void shouldNeverReleaseWhatRobotsTxtDisallows() {
        // Given
        start("c1", "alice", 0, "http://a.test/private/x", "http://a.test/open");
        robots("c1", "User-agent: *\nDisallow: /private/\n");

        // When
        tick(Duration.ofMillis(50));
        completeNext("c1", 200);
        tick(Duration.ofMillis(50));

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/open");
        assertThat(crawl("c1").getFailures()).containsEntry("robots-disallowed", 1L);
    }

    @Test
    void shouldFailEveryUrlOfAHostWhoseAddressIsRefusedWithoutWaitingForIt() {
        // Given: a host whose address the guard refuses, so its robots.txt was not asked for
        start("c1", "alice", 0, "http://a.test/one", "http://a.test/two");
        robotsWithStatus("c1", RobotsFile.BLOCKED, "");

        // When
        tick(Duration.ofMillis(50));

        // Then: no page is released, both are counted as refused, and nothing stays queued
        assertThat(pageUrls()).isEmpty();
        assertThat(crawl("c1").getFailures()).containsEntry("blocked-address", 2L);
        assertThat(crawl("c1").getQueued()).isZero();
    }

    @Test
    void shouldReadRobotsTxtForTheCrawlsOwnUserAgent() {
        // Given: robots.txt shuts out one bot only, and this crawl calls itself that bot
        startAs("c1", "PickyBot/2.0", "http://a.test/page");
        robots("c1", "User-agent: pickybot\nDisallow: /\n\nUser-agent: *\nAllow: /\n");

        // When
        tick(Duration.ofMillis(50));

        // Then
        assertThat(pageUrls()).isEmpty();
        assertThat(crawl("c1").getFailures()).containsEntry("robots-disallowed", 1L);
    }

    @Test
    void shouldFetchRobotsTxtAgainAfterADay() {
        // Given: a host whose robots.txt was fetched and one page with it
        start("c1", "alice", 0, "http://a.test/1");
        robotsAllowAll("c1");
        completeNext("c1", 200);

        // When: a day later another page of the host is due
        tick(Duration.ofHours(24));
        discover("c1", 1, "http://a.test/2");
        tick(Duration.ofMillis(50));

        // Then
        assertThat(workers.jobs).extracting(FetchJob::robots).containsExactly(true, false, true);
    }

    @Test
    void shouldHoldAPausedCrawlsUrlsAndDropACancelledOnes() {
        // Given
        start("c1", "alice", 0, "http://a.test/", "http://a.test/b");
        robotsAllowAll("c1");
        command("c1", CrawlCommand.PAUSE, "alice", false);

        // When
        tick(Duration.ofMillis(1_100));

        // Then
        assertThat(pageUrls()).isEmpty();
        assertThat(crawl("c1").getState()).isEqualTo(CrawlState.PAUSED);

        // When
        command("c1", CrawlCommand.RESUME, "alice", false);
        tick(Duration.ofMillis(1_100));
        command("c1", CrawlCommand.CANCEL, "alice", false);
        completeNext("c1", 200);
        tick(Duration.ofMillis(1_100));

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/");
        assertThat(crawl("c1").getState()).isEqualTo(CrawlState.CANCELLED);
        assertThat(crawl("c1").getQueued()).isZero();
    }

    @Test
    void shouldTellAnotherUserThatTheCrawlDoesNotExist() {
        // Given
        start("c1", "alice", 0, "http://a.test/");
        outcomes.readValuesToList();

        // When
        command("c1", CrawlCommand.PAUSE, "mallory", false);
        command("c1", CrawlCommand.PAUSE, "root", true);

        // Then
        final List<OperationOutcome> answers = outcomes.readValuesToList();
        assertThat(answers).extracting(OperationOutcome::getHttpStatus).containsExactly(404, 200);
    }

    @Test
    void shouldReleaseARequestAgainWhenItIsNeverReported() {
        // Given
        start("c1", "alice", 0, "http://a.test/");
        robotsAllowAll("c1");
        tick(Duration.ofMillis(50));

        // When: its report never comes
        tick(FrontierSettings.defaults(CrawlerSettings.defaults()).inFlightTimeout().plusSeconds(1));

        // Then
        assertThat(pageUrls()).containsExactly("http://a.test/", "http://a.test/");
    }

    @Test
    void shouldCompleteACrawlAtItsPageBudget() {
        // Given: a budget of two pages
        startWithBudget("c1", 2, "http://a.test/", "http://a.test/b", "http://a.test/c");
        robotsAllowAll("c1");

        // When
        for (int i = 0; i < 3; i++) {
            tick(Duration.ofMillis(50));
            completeNext("c1", 200);
        }

        // Then
        assertThat(pageUrls()).hasSize(2);
        assertThat(crawl("c1").getState()).isEqualTo(CrawlState.COMPLETED);
        assertThat(crawl("c1").getHosts().get(HOST).getFetched()).isEqualTo(2);
    }

    @Test
    void shouldCountAPageWhoseTextWasFetchedUnderAnotherUrl() {
        // Given
        start("c1", "alice", 0, "http://a.test/");

        // When: two URLs give the same text, a third another
        page("c1", "http://a.test/x", "hash-1");
        page("c1", "http://a.test/y", "hash-1");
        page("c1", "http://a.test/z", "hash-2");

        // Then
        assertThat(crawl("c1").getDuplicates()).isEqualTo(1);
        assertThat(driver.<String, String>getKeyValueStore(CrawlerStores.CONTENT)
                .get(CrawlerStores.urlKey("c1", "hash-1"))).isEqualTo("http://a.test/x");
    }

    // ---- helpers ----

    private void page(String crawlId, String url, String hash) {
        pages.pipeInput(crawlId, PageFetched.newBuilder().setCrawlId(crawlId).setUrl(url).setFinalUrl(url)
                .setHost(HOST).setDepth(1).setStatus(200).setContentHash(hash).setFetchedAt(now()).build(), now());
    }

    private void start(String crawlId, String owner, long delayMs, String... seeds) {
        startCrawl(crawlId, owner, delayMs, 1_000, seeds);
    }

    private void startWithBudget(String crawlId, int maxPages, String... seeds) {
        startCrawl(crawlId, "alice", 0, maxPages, seeds);
    }

    private void startAs(String crawlId, String userAgent, String... seeds) {
        startCrawl(crawlId, "alice", 0, 1_000, userAgent, seeds);
    }

    private void startCrawl(String crawlId, String owner, long delayMs, int maxPages, String... seeds) {
        startCrawl(crawlId, owner, delayMs, maxPages, null, seeds);
    }

    private void startCrawl(String crawlId, String owner, long delayMs, int maxPages, String userAgent,
                            String... seeds) {
        final List<CrawlSeed> seedList = new ArrayList<>();
        for (String seed : seeds) {
            seedList.add(new CrawlSeed(seed, KEY));
        }
        final CrawlConfig config = CrawlConfig.newBuilder().setSeeds(seedList).setHosts(List.of(HOST))
                .setDomains(List.of()).setMaxPages(maxPages).setMaxDepth(5).setDelayMs(delayMs).setUserAgent(userAgent).build();
        commands.pipeInput(crawlId, CrawlCommanded.newBuilder().setEventId(Long.toString(nextEvent++))
                .setCrawlId(crawlId).setCommand(CrawlCommand.START).setRequestedBy(owner).setAt(now())
                .setConfig(config).build(), now());
    }

    private void command(String crawlId, CrawlCommand command, String by, boolean admin) {
        commands.pipeInput(crawlId, CrawlCommanded.newBuilder().setEventId(Long.toString(nextEvent++))
                .setCrawlId(crawlId).setCommand(command).setRequestedBy(by).setAdmin(admin).setAt(now()).build(),
                now());
    }

    private void discover(String crawlId, int depth, String... urls) {
        frontier.pipeInput(KEY, UrlsDiscovered.newBuilder().setCrawlId(crawlId).setPolitenessKey(KEY)
                .setDepth(depth).setUrls(List.of(urls)).setAt(now()).build(), now());
    }

    private void robotsAllowAll(String crawlId) {
        robots(crawlId, "");
    }

    private void robots(String crawlId, String file) {
        robotsWithStatus(crawlId, 200, file);
    }

    private void robotsWithStatus(String crawlId, int status, String file) {
        tick(Duration.ofMillis(50));
        final RobotsFetched robots = RobotsFetched.newBuilder().setUrl("http://a.test/robots.txt").setStatus(status)
                .setBody(java.nio.ByteBuffer.wrap(file.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setFetchedAt(now()).build();
        fetches.pipeInput(KEY, FetchReported.newBuilder().setCrawlId(crawlId).setPolitenessKey(KEY).setHost(HOST)
                .setUrl("http://a.test/robots.txt").setStatus(status).setStartedAt(now()).setFinishedAt(now())
                .setRobots(robots).build(), now());
    }

    /** Lets the selector release what is due, then reports the last released page as answered with status. */
    private void completeNext(String crawlId, int status) {
        tick(Duration.ofMillis(50));
        final List<String> pages = pageUrls();
        if (!pages.isEmpty()) {
            report(crawlId, pages.get(pages.size() - 1), status, null);
        }
    }

    private void report(String crawlId, String url, int status, String failure) {
        reportWith(crawlId, url, status, failure, null, now());
    }

    private void reportWith(String crawlId, String url, int status, String failure, Long retryAfterMs,
                            Instant started) {
        fetches.pipeInput(KEY, FetchReported.newBuilder().setCrawlId(crawlId).setPolitenessKey(KEY).setHost(HOST)
                .setUrl(url).setStatus(status).setFailure(failure).setRetryAfterMs(retryAfterMs).setStartedAt(started)
                .setFinishedAt(now()).build(), now());
    }

    private List<String> pageUrls() {
        return workers.jobs.stream().filter(job -> !job.robots()).map(job -> job.entry().getUrl()).toList();
    }

    private Crawl crawl(String crawlId) {
        return driver.<String, Crawl>getKeyValueStore(CrawlerStores.CRAWLS).get(crawlId);
    }

    /** Moves the wall clock on, which runs the queue selector. */
    private void tick(Duration duration) {
        advanced = advanced.plus(duration);
        driver.advanceWallClockTime(duration);
    }

    private Instant now() {
        return START.plus(advanced);
    }
}
