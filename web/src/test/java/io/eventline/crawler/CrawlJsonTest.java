package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CrawlJsonTest {
    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldShowHowManyPagesAnswered304() {
        // Given
        final Crawl crawl = Crawl.newBuilder().setCrawlId("c1").setOwnerId("alice").setState(CrawlState.RUNNING)
                .setConfig(CrawlConfig.newBuilder().setSeeds(List.of()).setMaxPages(10).setMaxDepth(1)
                        .setDelayMs(0).build())
                .setStartedAt(AT).setUpdatedAt(AT).setFetched(5).setNotModified(3).setFailures(Map.of())
                .setHosts(Map.of()).build();

        // When
        final ObjectNode node = CrawlJson.crawl(json, crawl);

        // Then
        assertThat(node.get("fetched").asLong()).isEqualTo(5);
        assertThat(node.get("notModified").asLong()).isEqualTo(3);
    }

    @Test
    void shouldMarkAPageThatWasNotModified() {
        // Given
        final PageFetched page = PageFetched.newBuilder().setCrawlId("c1").setUrl("http://a.test/")
                .setFinalUrl("http://a.test/").setHost("a.test").setDepth(0).setStatus(304).setTitle("Home")
                .setContentHash("hash").setNotModified(true).setFetchedAt(AT).build();

        // When
        final ObjectNode node = CrawlJson.page(json, page, null);

        // Then
        assertThat(node.get("notModified").asBoolean()).isTrue();
        assertThat(node.get("status").asInt()).isEqualTo(304);
    }
}
