package io.eventline.crawler;

import java.util.Objects;

/**
 * One request the frontier released to the fetch workers: a page, or the robots.txt of the page's host.
 *
 * @param politenessKey the key whose owner released it, and to which the report goes
 * @param entry         the queued URL
 * @param robots        true to fetch the host's robots.txt instead of the page
 * @param config        the crawl's scope and budget, for redirects and outlinks
 * @param previous      what the key's owner kept of the page's last whole fetch, in any crawl, to fetch it
 *                      conditionally and to answer a 304 with; null for a first fetch and for robots.txt
 */
public record FetchJob(String politenessKey, QueuedUrl entry, boolean robots, CrawlConfig config,
                       PageValidators previous) {
    public FetchJob {
        Objects.requireNonNull(politenessKey, "politenessKey");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(config, "config");
    }

    /** A request with nothing kept of an earlier fetch. */
    public FetchJob(String politenessKey, QueuedUrl entry, boolean robots, CrawlConfig config) {
        this(politenessKey, entry, robots, config, null);
    }
}
