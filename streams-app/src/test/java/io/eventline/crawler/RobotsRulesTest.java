package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RobotsRulesTest {
    private static final String ROBOTS_URL = "https://example.com/robots.txt";
    private final CrawlerSettings settings = CrawlerSettings.builder().userAgent("EventlineBot/0.1 (+test)")
            .maxCrawlDelay(Duration.ofSeconds(30)).build();

    private RobotsRules parse(String robotsTxt) {
        return RobotsRules.fromResponse(ROBOTS_URL, 200, robotsTxt.getBytes(StandardCharsets.UTF_8), settings);
    }

    @Test
    void shouldApplyTheGroupOfOurTokenWithWildcardsAndAllowPrecedence() {
        // Given: a group for everyone and one for this crawler
        final RobotsRules rules = parse("""
                User-agent: *
                Disallow: /

                User-agent: EventlineBot
                Disallow: /private/
                Allow: /private/public-*.html$
                Disallow: /*.pdf$
                Disallow: /search
                Allow: /search/about
                Crawl-delay: 2.5
                Sitemap: https://example.com/sitemap.xml
                """);
        // When / Then: our group, not '*', is applied; the longest match wins; Allow wins a tie
        assertThat(rules.allowed("https://example.com/")).isTrue();
        assertThat(rules.allowed("https://example.com/private/x.html")).isFalse();
        assertThat(rules.allowed("https://example.com/private/public-1.html")).isTrue();
        assertThat(rules.allowed("https://example.com/private/public-1.html?x")).isFalse();
        assertThat(rules.allowed("https://example.com/docs/a.pdf")).isFalse();
        assertThat(rules.allowed("https://example.com/docs/a.pdf.html")).isTrue();
        assertThat(rules.allowed("https://example.com/search?q=x")).isFalse();
        assertThat(rules.allowed("https://example.com/search/about")).isTrue();
        assertThat(rules.crawlDelay()).isEqualTo(Duration.ofMillis(2500));
        assertThat(rules.retryLater()).isFalse();
        assertThat(rules.sitemaps()).containsExactly("https://example.com/sitemap.xml");
    }

    @Test
    void shouldFallBackToTheWildcardGroupAndPreferAllowOnEqualLength() {
        // Given: rules for other robots and for '*'
        final RobotsRules rules = parse("""
                User-agent: otherbot
                Disallow: /

                User-agent: *
                Disallow: /page
                Allow: /page
                Disallow: /tmp/
                """);
        // When / Then
        assertThat(rules.allowed("https://example.com/page")).isTrue();
        assertThat(rules.allowed("https://example.com/tmp/a")).isFalse();
        assertThat(rules.crawlDelay()).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldCapALongCrawlDelayInsteadOfDisallowingAll() {
        // Given: a site asking for an hour between fetches
        final RobotsRules rules = parse("User-agent: *\nCrawl-delay: 3600\nDisallow: /x\n");
        // When / Then: the delay is the cap and the rules still apply
        assertThat(rules.crawlDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rules.allowed("https://example.com/y")).isTrue();
        assertThat(rules.allowed("https://example.com/x")).isFalse();
    }

    @Test
    void shouldAllowAllOn4xxAndDisallowForNowOn5xxOrUnreachable() {
        // Given / When
        final RobotsRules missing = RobotsRules.fromResponse(ROBOTS_URL, 404, null, settings);
        final RobotsRules forbidden = RobotsRules.fromResponse(ROBOTS_URL, 403, null, settings);
        final RobotsRules failing = RobotsRules.fromResponse(ROBOTS_URL, 503, null, settings);
        final RobotsRules unreachable = RobotsRules.unreachable(settings);
        // Then: RFC 9309 section 2.3.1.3 and 2.3.1.4
        assertThat(missing.allowed("https://example.com/any")).isTrue();
        assertThat(forbidden.allowed("https://example.com/any")).isTrue();
        assertThat(missing.retryLater()).isFalse();
        assertThat(failing.allowed("https://example.com/any")).isFalse();
        assertThat(failing.retryLater()).isTrue();
        assertThat(unreachable.allowed("https://example.com/any")).isFalse();
        assertThat(unreachable.retryLater()).isTrue();
    }

    @Test
    void shouldReadOnlyTheFirstMaxRobotsBytes() {
        // Given: a disallow beyond the bytes read
        final String head = "User-agent: *\nDisallow: /a\n";
        final String robots = head + "#" + "x".repeat(200) + "\nDisallow: /b\n";
        final CrawlerSettings small = settings.toBuilder().maxRobotsBytes(head.length() + 50).build();
        // When
        final RobotsRules rules = RobotsRules.fromResponse(ROBOTS_URL, 200,
                robots.getBytes(StandardCharsets.UTF_8), small);
        // Then
        assertThat(rules.allowed("https://example.com/a")).isFalse();
        assertThat(rules.allowed("https://example.com/b")).isTrue();
    }

    @Test
    void shouldTakeTheProductTokenFromTheUserAgent() {
        // Given / When / Then
        assertThat(RobotsRules.token("EventlineBot/0.1 (+https://eventline.io/bot)")).isEqualTo("eventlinebot");
        assertThat(RobotsRules.token("My_Crawler")).isEqualTo("my_crawler");
    }
}
