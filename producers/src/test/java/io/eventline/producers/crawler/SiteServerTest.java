package io.eventline.producers.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The site over real sockets on 127.0.1.1-3, crawled by following its links the way a crawler would. */
class SiteServerTest {
    private static final Pattern HREF = Pattern.compile("href=\"([^\"]+)\"");
    private static final int PAGE_BYTES = 2_048;

    private final HttpClient client = HttpClient.newHttpClient();
    private SiteServer server;
    private Map<String, String> addresses;

    @BeforeEach
    void startSite() throws IOException {
        server = SiteServer.start(new SiteLayout(3, 30, 4, 1, 0, "127.0.1.1"), PAGE_BYTES, 50);
        addresses = new HashMap<>();
        for (int host = 1; host <= 3; host++) {
            addresses.put(server.layout().hostName(host), server.layout().addressText(host));
        }
    }

    @AfterEach
    void stopSite() {
        server.close();
    }

    @Test
    void shouldServeEveryPageOnceToACrawlerThatFollowsLinksFromTheSeeds() throws Exception {
        // Given the seeds of a site of 3 hosts and 30 pages
        final Deque<String> frontier = new ArrayDeque<>(server.layout().seeds());
        final Set<String> seen = new HashSet<>(frontier);

        // When every link found is followed once, robots.txt first on each host
        for (String seed : server.layout().seeds()) {
            assertThat(get(seed + "robots.txt").body()).contains("Allow: /");
        }
        int fetched = 0;
        while (!frontier.isEmpty()) {
            final String url = frontier.poll();
            final HttpResponse<String> page = get(url);
            assertThat(page.statusCode()).as(url).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>Page ").hasSizeBetween(PAGE_BYTES - 600, PAGE_BYTES + 1_200);
            fetched++;
            final Matcher links = HREF.matcher(page.body());
            while (links.find()) {
                final String link = URI.create(url).resolve(links.group(1)).toString();
                if (seen.add(link)) {
                    frontier.add(link);
                }
            }
        }

        // Then all 30 pages were reached and served once each, with no duplicate
        assertThat(fetched).isEqualTo(30);
        final JsonNode stats = stats();
        assertThat(stats.get("pagesServed").asInt()).isEqualTo(30);
        assertThat(stats.get("requests").asInt()).isEqualTo(33);
        assertThat(stats.get("robots").asInt()).isEqualTo(3);
        assertThat(stats.get("duplicates").asInt()).isZero();
        for (JsonNode host : stats.get("perHost")) {
            assertThat(host.get("pagesServed").asInt()).isEqualTo(10);
            assertThat(host.get("gapMinMs").asDouble()).isNotNegative();
        }
    }

    @Test
    void shouldCountARepeatedRequestAsADuplicateAndNotCountStatsRequests() throws Exception {
        // Given host 2's page 4 fetched, and robots.txt of host 3
        final String origin = server.layout().origin(2);
        get(origin + "/p/4");
        get(server.layout().origin(3) + "/robots.txt");

        // When page 4 is asked for twice more, a missing page once, and the stats read twice
        get(origin + "/p/4");
        get(origin + "/p/4");
        assertThat(get(origin + "/p/99").statusCode()).isEqualTo(404);
        stats();
        final JsonNode stats = stats();

        // Then host 2 counts 4 requests, 1 page served, 2 duplicates and 3 gaps; /_stats is not a request
        final JsonNode host2 = stats.get("perHost").get(1);
        assertThat(host2.get("host").asText()).isEqualTo("h2.site.test");
        assertThat(host2.get("requests").asInt()).isEqualTo(4);
        assertThat(host2.get("pagesServed").asInt()).isEqualTo(1);
        assertThat(host2.get("duplicates").asInt()).isEqualTo(2);
        assertThat(host2.get("notFound").asInt()).isEqualTo(1);
        assertThat(server.stats().host(2).snapshot().gapsNanos()).hasSize(3);
        assertThat(stats.get("requests").asInt()).isEqualTo(5);
        assertThat(stats.get("duplicates").asInt()).isEqualTo(2);
        assertThat(stats.get("expectedGapMs").asDouble()).isEqualTo(50.0);
        assertThat(SiteStats.text(new ObjectMapper().convertValue(stats, Map.class)))
                .contains("requests 5, distinct pages 1 of 30, duplicates 2");
    }

    @Test
    void shouldPrintTheSeedsAndWriteAHostsFileWithoutServing(@TempDir Path dir) throws IOException {
        // Given the command asked for the seeds of the benchmark's site and a hosts file
        final Path hostsFile = dir.resolve("hosts");
        final StringWriter out = new StringWriter();
        final CommandLine command = new CommandLine(new CrawlSiteCommand()).setOut(new PrintWriter(out));

        // When it runs
        final int exit = command.execute("--print-seeds", "--port", "18590", "--hosts-file", hostsFile.toString());

        // Then it lists 50 seeds, says how deep the site is, and the hosts file maps all 50 names
        assertThat(exit).isZero();
        final List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(51);
        assertThat(lines.get(0)).isEqualTo("http://h1.site.test:18590/");
        assertThat(lines.get(49)).isEqualTo("http://h50.site.test:18590/");
        assertThat(lines.get(50)).contains("every page within 4 links");
        assertThat(Files.readAllLines(hostsFile)).hasSize(50).contains("127.0.1.50 h50.site.test");
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        final URI named = URI.create(url);
        // the test has no resolver for the site's names: it connects to the host's address directly
        final URI direct = URI.create("http://" + addresses.get(named.getHost()) + ":" + named.getPort()
                + named.getRawPath());
        return client.send(HttpRequest.newBuilder(direct).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode stats() throws IOException, InterruptedException {
        return new ObjectMapper().readTree(get(server.layout().origin(1) + SiteServer.STATS_PATH).body());
    }
}
