package io.eventline.crawler;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.platform.EventlineProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One crawl shared by two instances in separate processes. It starts on A alone; B joins while it runs, so half
 * the politeness keys move to B with requests in flight. Each instance fetches the hosts whose keys its frontier
 * tasks own, every page is fetched, only the requests in flight at the move are sent again (and reported so), and
 * no host sees two requests closer than the crawl's delay, whichever instance sent them. Run by the two-instance
 * test, which starts the instances once for every domain it checks; the site must be up before they start, as
 * they take its names from their settings.
 */
public final class CrawlAcrossInstances implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** With 6 partitions split between two instances, each owns some of 12 hosts with near certainty. */
    private static final int HOSTS = 12;
    /** At the delay, a host's pages take about 50 s: B joins well within that. */
    private static final int PAGES_PER_HOST = 60;
    private static final long DELAY_MS = 800;
    private static final long ANSWER_MS = 20;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Pattern FETCHES = Pattern.compile("(?m)^eventline_crawler_fetches_total(?:\\{[^}]*})? (\\S+)$");

    private final JwtAuth auth;
    private final GeneratedSite site;
    private final String service;
    private String crawlId;

    public CrawlAcrossInstances(JwtAuth auth) throws Exception {
        this.auth = auth;
        this.site = new GeneratedSite(HOSTS, PAGES_PER_HOST, ANSWER_MS);
        this.service = auth.issue("crawl-indexer", Set.of(Principal.SERVICE), Duration.ofHours(1));
    }

    /** What each instance needs to reach the site. */
    public Map<String, String> environment() {
        return site.crawlerEnvironment();
    }

    /** Starts a service's crawl of every host of the site through A, before B joins. */
    public void start(EventlineProcess a) throws Exception {
        final HttpResponse<String> started = a.post("/api/v1/crawls", service, site.crawlRequest(DELAY_MS));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        crawlId = JSON.readTree(started.body()).get("crawlId").asText();
    }

    /** Checks the crawl through B once both instances ran it. */
    public void verify(EventlineProcess a, EventlineProcess b) throws Exception {
        // When: the crawl runs to its last page
        eventually(DEADLINE, Duration.ofMillis(200), () -> site.pageRequests().size() == site.pages());
        final JsonNode done = eventually(DEADLINE, Duration.ofMillis(200), () -> JSON.readTree(
                        b.send("GET", "/api/v1/crawls/" + crawlId, service, null).body()),
                crawl -> crawl.path("fetched").asInt() >= site.pages() && crawl.path("queued").asInt() == 0);
        // anything fetched twice would come within a few delays
        Thread.sleep(2 * DELAY_MS);

        // Then: B reports the whole crawl, every page was asked for, and both instances fetched some
        assertThat(done.path("fetched").asInt()).as(done.toString()).isGreaterThanOrEqualTo(site.pages());
        final Map<String, Long> requests = site.pageRequests();
        assertThat(requests).as("requests per page").containsOnlyKeys(site.allPages());
        assertThat(fetches(a)).as("requests sent by A").isPositive();
        assertThat(fetches(b)).as("requests sent by B").isPositive();
        // Then: only what was in flight when keys moved was asked for again, and the crawl reports it
        final List<String> twice = requests.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .map(Map.Entry::getKey).toList();
        assertThat(requests.values()).as("requests per page").allSatisfy(count -> assertThat(count).isLessThan(3));
        assertThat(done.path("releasedAgain").asInt()).as("released again; fetched twice: " + twice)
                .isGreaterThanOrEqualTo(twice.size()).isLessThanOrEqualTo(HOSTS);
        // Then: whichever instance sent them, no host saw two requests closer than the delay
        site.assertGapsAtLeast(Duration.ofMillis(DELAY_MS));
    }

    private double fetches(EventlineProcess instance) throws Exception {
        final String metrics = instance.get("/metrics", "Authorization",
                "Bearer " + auth.issue("ops", Set.of(Principal.ADMIN), Duration.ofMinutes(5))).body();
        final Matcher matcher = FETCHES.matcher(metrics);
        assertThat(matcher.find()).as("the fetch counter of " + instance.name()).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    @Override
    public void close() {
        site.close();
    }
}
