package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
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
        // Given
        final Schema earlier = earlier(version);
        final Schema now = current(earlier.getFullName());

        // When
        final SchemaCompatibilityType backward = SchemaCompatibility.checkReaderWriterCompatibility(now, earlier)
                .getType();
        final SchemaCompatibilityType forward = SchemaCompatibility.checkReaderWriterCompatibility(earlier, now)
                .getType();

        // Then
        assertThat(backward).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(forward).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema current(String fullName) {
        return switch (fullName) {
            case "io.eventline.crawler.Crawl" -> Crawl.getClassSchema();
            case "io.eventline.crawler.FetchReported" -> FetchReported.getClassSchema();
            case "io.eventline.crawler.PageFetched" -> PageFetched.getClassSchema();
            default -> throw new IllegalArgumentException(fullName);
        };
    }

    private static Schema earlier(String version) throws IOException {
        final Schema.Parser parser = new Schema.Parser();
        // the types an earlier version names without defining them
        parser.parse(CrawlConfig.getClassSchema().toString());
        try (InputStream in = CrawlerSchemaEvolutionTest.class.getResourceAsStream(
                "/schema-history/crawler/" + version + ".avsc")) {
            assertThat(in).as(version).isNotNull();
            return parser.parse(in);
        }
    }
}
