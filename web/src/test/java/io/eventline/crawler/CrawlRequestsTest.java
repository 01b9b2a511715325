package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.http.ProblemException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrawlRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CrawlRequests requests = requests();

    private static CrawlRequests requests() {
        final CrawlerSettings settings = CrawlerSettings.builder().allow("127.0.0.0/8").build();
        try {
            final HostResolver resolver = HostResolver.mapped(Map.of(
                    "a.test", List.of(InetAddress.getByName("127.0.1.1")),
                    "b.test", List.of(InetAddress.getByName("127.0.1.1"))), host -> {
                        throw new UnknownHostException(host);
                    });
            return new CrawlRequests(settings, new PolitenessKeys(new AddressGuard(settings, resolver), true));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldNormaliseSeedsKeyThemByAddressAndFillInTheDefaults() throws Exception {
        // When
        final CrawlConfig config = requests.read(JSON.readTree("{\"seeds\":[\"HTTP://A.test:80/x/../?utm_source=m\","
                + "\"http://b.test/\"],\"scope\":{\"hosts\":[\"a.test\",\"B.test\"]}}"));

        // Then
        assertThat(config.getSeeds()).extracting(CrawlSeed::getUrl)
                .containsExactly("http://a.test/", "http://b.test/");
        assertThat(config.getSeeds()).extracting(CrawlSeed::getPolitenessKey).containsOnly("127.0.1.1");
        assertThat(config.getHosts()).containsExactly("a.test", "b.test");
        assertThat(config.getMaxPages()).isEqualTo(CrawlRequests.DEFAULT_MAX_PAGES);
        assertThat(config.getMaxDepth()).isEqualTo(CrawlRequests.DEFAULT_MAX_DEPTH);
        assertThat(config.getDelayMs()).isEqualTo(CrawlRequests.DEFAULT_DELAY_MS);
        assertThat(config.getUserAgent()).isNull();
    }

    @Test
    void shouldTakeDomainsWithTheHostsBelowThem() throws Exception {
        // When
        final CrawlConfig config = requests.read(JSON.readTree(
                "{\"seeds\":[\"https://www.example.com/\"],\"scope\":{\"domains\":[\"example.com\"]},"
                        + "\"maxPages\":5,\"maxDepth\":0,\"delayMs\":0,\"userAgent\":\"IndexBot/1.0\"}"));

        // Then
        assertThat(config.getDomains()).containsExactly("example.com");
        assertThat(config.getMaxDepth()).isZero();
        assertThat(config.getUserAgent()).isEqualTo("IndexBot/1.0");
    }

    @Test
    void shouldReportEveryDefectAtOnce() {
        // When / Then
        assertThatThrownBy(() -> requests.read(JSON.readTree("{\"seeds\":[\"http://c.test/\",\"ftp://a.test/\"],"
                + "\"scope\":{\"hosts\":[\"a.test\"],\"domains\":[\"b.test\"]},\"maxPages\":0,\"delayMs\":-1}")))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).errors())
                        .extracting(ProblemException.FieldError::pointer)
                        .containsExactlyInAnyOrder("/scope", "/maxPages", "/delayMs", "/seeds/0", "/seeds/1"));
    }
}
