package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrapGuardTest {
    private final TrapGuard guard = new TrapGuard(CrawlerSettings.builder().maxDepth(5).maxUrlLength(100)
            .maxSegmentRepeats(3).maxQueryParams(4).build());

    @Test
    void shouldPassAnOrdinaryUrlWithinTheLimits() {
        // Given / When / Then
        assertThat(guard.check("http://example.com/a/b/a/c?x=1&y=2", 5).value())
                .isEqualTo("http://example.com/a/b/a/c?x=1&y=2");
        assertThat(guard.check("http://example.com/", 0).passed()).isTrue();
    }

    @Test
    void shouldRefuseEachKindOfTrapWithItsReason() {
        // Given / When / Then
        assertThat(guard.check("http://example.com/", 6).reason()).isEqualTo(TrapGuard.TOO_DEEP);
        assertThat(guard.check("http://example.com/" + "x".repeat(90), 1).reason())
                .isEqualTo(TrapGuard.URL_TOO_LONG);
        assertThat(guard.check("http://example.com/cal/2026/cal/2027/cal/2028", 1).reason())
                .isEqualTo(TrapGuard.REPEATED_SEGMENT);
        assertThat(guard.check("http://example.com/s?a=1&b=2&c=3&d=4&e=5", 1).reason())
                .isEqualTo(TrapGuard.TOO_MANY_QUERY_PARAMS);
    }

    @Test
    void shouldCountRepeatsInThePathOnlyNotTheHostOrQuery() {
        // Given: a segment twice in the path and again in the query and host
        final String url = "http://a.example/a/x/a?a=a&b=a";
        // When / Then
        assertThat(guard.check(url, 1).passed()).isTrue();
    }
}
