package io.eventline.crawler;

/** Where the fetch workers publish: pages to their readers, outlinks to the frontier, reports to the key's owner. */
public interface CrawlOutput {
    void page(PageFetched page);

    void discovered(UrlsDiscovered urls);

    void report(FetchReported report);
}
