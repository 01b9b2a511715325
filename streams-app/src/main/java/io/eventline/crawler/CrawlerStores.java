package io.eventline.crawler;

/** Names of the crawler's state stores and the keys inside them; the web layer reads them by these. */
public final class CrawlerStores {
    /** Crawl ID to {@link Crawl}: config, state and counters, on the crawl's partition. */
    public static final String CRAWLS = "crawler-crawls-store";
    /** {@code crawlId NUL url} to the page's metadata (its text is on crawler.pages.v1 only). */
    public static final String PAGES = "crawler-pages-store";
    /** {@code crawlId NUL contentHash} to the first URL fetched with that text: content-seen. */
    public static final String CONTENT = "crawler-content-store";
    /** Politeness key to {@link FrontierKey}: next allowed fetch, delays, back-off, the request in flight. */
    public static final String FRONTIER = "crawler-frontier-store";
    /** {@code politenessKey NUL depth NUL sequence} to a {@link QueuedUrl}: each key's queue in priority order. */
    public static final String QUEUE = "crawler-queue-store";
    /** {@code crawlId NUL url} to when the URL was first seen, behind each crawl's Bloom filter. */
    public static final String SEEN = "crawler-seen-store";
    /** Host to its robots.txt as fetched. */
    public static final String ROBOTS = "crawler-robots-store";
    /**
     * Normalised URL to the {@link PageValidators} of its last whole fetch, in any crawl, kept by the owner of the
     * URL's politeness key for conditional re-fetches; capped in bytes a task and expired by age.
     */
    public static final String VALIDATORS = "crawler-validators-store";
    /** Every crawl as of its last change of state, on every instance. */
    public static final String CRAWLS_GLOBAL = "crawler-crawls-global-store";

    private static final char SEPARATOR = '\u0000';

    private CrawlerStores() {
    }

    /** The key of {@code url} of {@code crawlId} in {@link #PAGES} and {@link #SEEN}. */
    public static String urlKey(String crawlId, String url) {
        return crawlId + SEPARATOR + url;
    }

    /** The first key of {@code crawlId}'s URLs. */
    public static String crawlPrefix(String crawlId) {
        return crawlId + SEPARATOR;
    }

    /** Just past the last key of {@code crawlId}'s URLs. */
    public static String crawlEnd(String crawlId) {
        return crawlId + '\u0001';
    }

    /** The place of a URL in its politeness key's queue: shallower first, then in discovery order. */
    static String queueKey(String politenessKey, int depth, long sequence) {
        return politenessKey + SEPARATOR + String.format("%04d", depth) + SEPARATOR + String.format("%019d", sequence);
    }

    static String queueStart(String politenessKey) {
        return politenessKey + SEPARATOR;
    }

    static String queueEnd(String politenessKey) {
        return politenessKey + '\u0001';
    }
}
