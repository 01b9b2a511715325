package io.eventline.crawler;

import io.eventline.topics.Topic;
import java.util.List;

/**
 * The crawler's topics. The frontier and the fetch reports are keyed by politeness key (a host, or the address
 * hosts share), so one partition, and one instance, owns each key's queue and delay: the partitioner is the queue
 * router, the partition assignment the queue mapping table.
 */
public final class CrawlerTopics {
    /** Start, pause, resume and cancel, keyed by crawl. */
    public static final Topic<CrawlCommanded> COMMANDS = Topic.events("crawler.commands.v1", "crawlId",
            CrawlCommanded.class, CrawlCommanded::getCrawlId);
    /** Every crawl as of its last change of state, keyed by crawl; every instance holds it whole. */
    public static final Topic<Crawl> CRAWLS = Topic.table("crawler.crawls.v1", "crawlId", Crawl.class,
            Crawl::getCrawlId);
    /** Discovered URLs, keyed by politeness key. */
    public static final Topic<UrlsDiscovered> FRONTIER = Topic.events("crawler.frontier.v1", "politenessKey",
            UrlsDiscovered.class, UrlsDiscovered::getPolitenessKey);
    /** What became of each released request, back to its politeness key's owner. */
    public static final Topic<FetchReported> FETCHES = Topic.events("crawler.fetches.v1", "politenessKey",
            FetchReported.class, FetchReported::getPolitenessKey);
    /** Every fetched page: metadata and visible text, for any consumer; keyed by crawl. */
    public static final Topic<PageFetched> PAGES = Topic.events("crawler.pages.v1", "crawlId", PageFetched.class,
            PageFetched::getCrawlId);

    public static final List<Topic<?>> ALL = List.of(COMMANDS, CRAWLS, FRONTIER, FETCHES, PAGES);

    private CrawlerTopics() {
    }
}
