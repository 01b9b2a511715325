package io.eventline.crawler;

/**
 * What the crawler's topology takes.
 *
 * @param partitions how many partitions the crawler's topics have (the progress repartition gets as many)
 * @param frontier   the frontier's caps and timings
 * @param workers    where released requests go
 */
public record CrawlerTopologySettings(int partitions, FrontierSettings frontier, FetchDispatch workers) {
}
