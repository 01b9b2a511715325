package io.eventline.crawler;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The limits, timeouts and caps of the crawler's parts, each with a default ({@link #defaults()}); a crawl's own
 * budget (its {@code maxDepth}, {@code maxPages}, delay) is narrower and lives with the crawl.
 *
 * @param maxUrlLength        longest URL taken, in characters, before and after normalisation
 * @param maxDepth            deepest link (hops from a seed) any crawl follows
 * @param maxSegmentRepeats   a path with one segment this many times or more is a trap ({@code /a/b/a/b/a/})
 * @param maxQueryParams      most query parameters in a URL taken
 * @param connectTimeout      longest wait for a TCP (and TLS) connection
 * @param requestTimeout      longest wait for one response, headers and body, per hop
 * @param maxBodyBytes        most body bytes read from a response; reading stops there and the page is truncated
 * @param maxRedirects        most redirect hops followed from one URL
 * @param userAgent           the {@code User-Agent} sent; its first word, lower-cased, is the robots.txt token
 * @param contentTypes        media types whose body is read ({@code text/html}, {@code application/xhtml+xml})
 * @param maxCrawlDelay       a robots.txt {@code Crawl-delay} is honoured up to this
 * @param maxRobotsBytes      most bytes of a robots.txt parsed (RFC 9309 asks for at least 500 KiB)
 * @param maxOutlinks         most links kept from one page
 * @param maxTextBytes        most UTF-8 bytes of a page's visible text kept
 * @param allow               addresses and CIDRs that may be fetched although private, loopback or link-local,
 *                            comma-separated ({@code 127.0.0.0/8,10.1.2.3}); empty allows none of them
 * @param seenFalsePositiveRate the Bloom filters' target false positive rate
 * @param seenExpectedEntries the entries the Bloom filters are sized for
 */
public record CrawlerSettings(int maxUrlLength, int maxDepth, int maxSegmentRepeats, int maxQueryParams,
                              Duration connectTimeout, Duration requestTimeout, long maxBodyBytes,
                              int maxRedirects, String userAgent, Set<String> contentTypes,
                              Duration maxCrawlDelay, int maxRobotsBytes, int maxOutlinks, int maxTextBytes,
                              String allow, double seenFalsePositiveRate, long seenExpectedEntries) {
    public static final int DEFAULT_MAX_URL_LENGTH = 2048;
    public static final String DEFAULT_USER_AGENT = "EventlineBot/0.1";

    public CrawlerSettings {
        positive("maxUrlLength", maxUrlLength);
        positive("maxDepth", maxDepth);
        if (maxSegmentRepeats < 2) {
            throw new IllegalArgumentException("maxSegmentRepeats must be at least 2");
        }
        positive("maxQueryParams", maxQueryParams);
        positive("maxBodyBytes", maxBodyBytes);
        if (maxRedirects < 0) {
            throw new IllegalArgumentException("maxRedirects must not be negative");
        }
        positive("maxRobotsBytes", maxRobotsBytes);
        positive("maxOutlinks", maxOutlinks);
        positive("maxTextBytes", maxTextBytes);
        positive("seenExpectedEntries", seenExpectedEntries);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(maxCrawlDelay, "maxCrawlDelay");
        if (userAgent == null || userAgent.isBlank()) {
            throw new IllegalArgumentException("userAgent must not be blank");
        }
        contentTypes = Set.copyOf(contentTypes);
        allow = allow == null ? "" : allow.strip();
        if (!(seenFalsePositiveRate > 0 && seenFalsePositiveRate < 1)) {
            throw new IllegalArgumentException("seenFalsePositiveRate must be between 0 and 1");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /** The defaults: a polite, bounded crawler that fetches public addresses only. */
    public static CrawlerSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        final Builder builder = new Builder();
        builder.maxUrlLength = maxUrlLength;
        builder.maxDepth = maxDepth;
        builder.maxSegmentRepeats = maxSegmentRepeats;
        builder.maxQueryParams = maxQueryParams;
        builder.connectTimeout = connectTimeout;
        builder.requestTimeout = requestTimeout;
        builder.maxBodyBytes = maxBodyBytes;
        builder.maxRedirects = maxRedirects;
        builder.userAgent = userAgent;
        builder.contentTypes = contentTypes;
        builder.maxCrawlDelay = maxCrawlDelay;
        builder.maxRobotsBytes = maxRobotsBytes;
        builder.maxOutlinks = maxOutlinks;
        builder.maxTextBytes = maxTextBytes;
        builder.allow = allow;
        builder.seenFalsePositiveRate = seenFalsePositiveRate;
        builder.seenExpectedEntries = seenExpectedEntries;
        return builder;
    }

    /** Settings with some values changed from the defaults. */
    public static final class Builder {
        private int maxUrlLength = DEFAULT_MAX_URL_LENGTH;
        private int maxDepth = 20;
        private int maxSegmentRepeats = 3;
        private int maxQueryParams = 16;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(20);
        private long maxBodyBytes = 2L * 1024 * 1024;
        private int maxRedirects = 5;
        private String userAgent = DEFAULT_USER_AGENT;
        private Set<String> contentTypes = Set.of("text/html", "application/xhtml+xml");
        private Duration maxCrawlDelay = Duration.ofSeconds(30);
        private int maxRobotsBytes = 512 * 1024;
        private int maxOutlinks = 1000;
        private int maxTextBytes = 100 * 1024;
        private String allow = "";
        private double seenFalsePositiveRate = 0.01;
        private long seenExpectedEntries = 1_000_000;

        private Builder() {
        }

        public Builder maxUrlLength(int value) {
            maxUrlLength = value;
            return this;
        }

        public Builder maxDepth(int value) {
            maxDepth = value;
            return this;
        }

        public Builder maxSegmentRepeats(int value) {
            maxSegmentRepeats = value;
            return this;
        }

        public Builder maxQueryParams(int value) {
            maxQueryParams = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = value;
            return this;
        }

        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        public Builder maxRedirects(int value) {
            maxRedirects = value;
            return this;
        }

        public Builder userAgent(String value) {
            userAgent = value;
            return this;
        }

        public Builder contentTypes(Set<String> value) {
            contentTypes = value;
            return this;
        }

        public Builder maxCrawlDelay(Duration value) {
            maxCrawlDelay = value;
            return this;
        }

        public Builder maxRobotsBytes(int value) {
            maxRobotsBytes = value;
            return this;
        }

        public Builder maxOutlinks(int value) {
            maxOutlinks = value;
            return this;
        }

        public Builder maxTextBytes(int value) {
            maxTextBytes = value;
            return this;
        }

        public Builder allow(String value) {
            allow = value;
            return this;
        }

        public Builder seenFalsePositiveRate(double value) {
            seenFalsePositiveRate = value;
            return this;
        }

        public Builder seenExpectedEntries(long value) {
            seenExpectedEntries = value;
            return this;
        }

        public CrawlerSettings build() {
            return new CrawlerSettings(maxUrlLength, maxDepth, maxSegmentRepeats, maxQueryParams, connectTimeout,
                    requestTimeout, maxBodyBytes, maxRedirects, userAgent, contentTypes, maxCrawlDelay,
                    maxRobotsBytes, maxOutlinks, maxTextBytes, allow, seenFalsePositiveRate, seenExpectedEntries);
        }
    }
}
