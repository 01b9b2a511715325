package io.eventline.crawler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/** How the crawler's API writes crawls and pages. */
final class CrawlJson {
    private CrawlJson() {
    }

    static ObjectNode summary(ObjectMapper json, Crawl crawl) {
        final ObjectNode node = json.createObjectNode();
        node.put("crawlId", crawl.getCrawlId());
        node.put("state", crawl.getState().name());
        node.put("ownerId", crawl.getOwnerId());
        node.put("startedAt", crawl.getStartedAt().toString());
        return node;
    }

    static ObjectNode crawl(ObjectMapper json, Crawl crawl) {
        final ObjectNode node = summary(json, crawl);
        final CrawlConfig config = crawl.getConfig();
        final ArrayNode seeds = node.putArray("seeds");
        config.getSeeds().forEach(seed -> seeds.add(seed.getUrl()));
        final ObjectNode scope = node.putObject("scope");
        config.getHosts().forEach(scope.putArray("hosts")::add);
        config.getDomains().forEach(scope.putArray("domains")::add);
        node.put("maxPages", config.getMaxPages());
        node.put("maxDepth", config.getMaxDepth());
        node.put("delayMs", config.getDelayMs());
        node.put("fetched", crawl.getFetched());
        node.put("queued", crawl.getQueued());
        node.put("duplicates", crawl.getDuplicates());
        node.put("notModified", crawl.getNotModified());
        node.put("releasedAgain", crawl.getReleasedAgain());
        final ObjectNode failed = node.putObject("failed");
        new TreeMap<>(crawl.getFailures()).forEach(failed::put);
        final ArrayNode hosts = node.putArray("hosts");
        for (Map.Entry<String, HostProgress> host : new TreeMap<>(crawl.getHosts()).entrySet()) {
            hosts.addObject().put("host", host.getKey()).put("fetched", host.getValue().getFetched())
                    .put("delayMs", host.getValue().getDelayMs());
        }
        node.put("pagesPerSecond", pagesPerSecond(crawl));
        node.put("updatedAt", crawl.getUpdatedAt().toString());
        return node;
    }

    /** Pages fetched per second between the first fetch and the last. */
    static double pagesPerSecond(Crawl crawl) {
        if (crawl.getFirstFetchAt() == null || crawl.getFetched() < 2) {
            return 0;
        }
        final long millis = crawl.getLastFetchAt().toEpochMilli() - crawl.getFirstFetchAt().toEpochMilli();
        return millis <= 0 ? 0 : Math.round((crawl.getFetched() - 1) * 100_000.0 / millis) / 100.0;
    }

    /** @param duplicateOf the URL first fetched with the same visible text, or null */
    static ObjectNode page(ObjectMapper json, PageFetched page, String duplicateOf) {
        final ObjectNode node = json.createObjectNode();
        node.put("url", page.getUrl());
        node.put("finalUrl", page.getFinalUrl());
        node.put("status", page.getStatus());
        node.put("notModified", page.getNotModified());
        node.put("title", page.getTitle());
        page.getOutlinks().forEach(node.putArray("outlinks")::add);
        node.put("contentHash", page.getContentHash());
        node.put("fetchedAt", page.getFetchedAt().toString());
        node.put("depth", page.getDepth());
        node.put("noindex", page.getNoindex());
        if (duplicateOf == null) {
            node.putNull("duplicateOf");
        } else {
            node.put("duplicateOf", duplicateOf);
        }
        return node;
    }
}
