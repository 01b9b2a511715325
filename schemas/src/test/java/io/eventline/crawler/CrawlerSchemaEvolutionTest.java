package io.eventline.crawler;

import io.eventline.serde.SchemaHistory;
import java.io.IOException;
import org.apache.avro.Schema;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crawler's records as they are now still read what earlier versions wrote (the registry's BACKWARD level),
 * and earlier versions still read what they write now (instances of both versions share topics during an
 * upgrade). Earlier versions are kept under {@code schema-history/crawler/<Name>.<version>.avsc}.
 */
class CrawlerSchemaEvolutionTest {
    @ParameterizedTest
    @ValueSource(strings = {"Crawl.1", "FetchReported.1", "PageFetched.1"})
    void shouldReadEarlierVersionsAndBeReadByThem(String version) throws IOException {
        // an earlier version names CrawlConfig without defining it
        SchemaHistory.assertCompatible("crawler", version, current(version.substring(0, version.indexOf('.'))),
                CrawlConfig.getClassSchema());
    }

    private static Schema current(String name) {
        return switch (name) {
            case "Crawl" -> Crawl.getClassSchema();
            case "FetchReported" -> FetchReported.getClassSchema();
            case "PageFetched" -> PageFetched.getClassSchema();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
