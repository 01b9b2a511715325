package io.eventline.crawler;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The crawler, in the four steps of a polite crawler: the frontier topic's partitioner is the queue router (a
 * URL's politeness key picks its partition), the partition assignment is the queue mapping table (one task, so
 * one instance, owns each key), the frontier's wall-clock punctuation is the queue selector, and the fetch
 * workers beside the streams fetch what it releases and report back on {@code crawler.fetches.v1}. Crawls and
 * their counters live on the crawl's own partition; every instance holds every crawl's state, which the frontier
 * reads to honour pause, resume and cancel.
 */
public final class CrawlerTopology {
    private CrawlerTopology() {
    }

    /** The crawler alone, for tests. */
    public static Topology build(CrawlerTopologySettings settings, EventSerdes serdes) {
        return TopologyKit.alone(CrawlerTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, CrawlerTopologySettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "crawler");
        kit.globalTable(CrawlerTopics.CRAWLS, CrawlerStores.CRAWLS_GLOBAL, "crawler-crawls-global-source");
        // uncached: what is in flight must reach the changelog before the workers act on it
        kit.keyValueStore(CrawlerStores.FRONTIER, kit.serde(FrontierKey.class), Caching.UNCACHED);
        kit.keyValueStore(CrawlerStores.QUEUE, kit.serde(QueuedUrl.class), Caching.UNCACHED);
        // written through like the queue: a cached URL-seen mark reaches its changelog only at the commit, so after
        // a kill -9 the URLs found since then would be queued again although the queue's changelog shows them fetched
        kit.keyValueStore(CrawlerStores.SEEN, Serdes.Long(), Caching.UNCACHED);
        kit.keyValueStore(CrawlerStores.ROBOTS, kit.serde(RobotsFetched.class), Caching.UNCACHED);
        kit.keyValueStore(CrawlerStores.VALIDATORS, kit.serde(PageValidators.class), Caching.CACHED);
        kit.keyValueStore(CrawlerStores.CRAWLS, kit.serde(Crawl.class), Caching.CACHED);
        kit.keyValueStore(CrawlerStores.PAGES, kit.serde(PageFetched.class), Caching.CACHED);
        kit.keyValueStore(CrawlerStores.CONTENT, Serdes.String(), Caching.CACHED);

        final KStream<String, SpecificRecord> frontierInput = asRecords(kit.source(CrawlerTopics.FRONTIER),
                "crawler-discovered")
                .merge(asRecords(kit.source(CrawlerTopics.FETCHES), "crawler-reports"),
                        Named.as("crawler-frontier-input"));
        final KStream<String, CrawlProgressed> progress = frontierInput
                .process(() -> new FrontierKeeper(settings.frontier(), settings.workers()),
                        Named.as("crawler-frontier"), CrawlerStores.FRONTIER, CrawlerStores.QUEUE,
                        CrawlerStores.SEEN, CrawlerStores.ROBOTS, CrawlerStores.VALIDATORS)
                .repartition(Repartitioned.<String, CrawlProgressed>as("crawler-progress")
                        .withKeySerde(Serdes.String()).withValueSerde(kit.serde(CrawlProgressed.class))
                        .withNumberOfPartitions(settings.partitions()));

        final KStream<String, SpecificRecord> crawlInput = asRecords(kit.source(CrawlerTopics.COMMANDS,
                Requests.of(CrawlCommanded::getEventId, CrawlCommanded::getRequestedBy)), "crawler-commands")
                .merge(asRecords(progress, "crawler-progressed"), Named.as("crawler-crawl-progress"))
                .merge(asRecords(kit.source(CrawlerTopics.PAGES), "crawler-pages"), Named.as("crawler-crawl-input"));
        kit.sinks(crawlInput.process(CrawlKeeper::new, Named.as("crawler-crawls"), CrawlerStores.CRAWLS,
                        CrawlerStores.PAGES, CrawlerStores.CONTENT), "crawler-crawl-out-")
                .to("crawl", Crawl.class, CrawlerTopics.CRAWLS)
                .to("seeds", UrlsDiscovered.class, CrawlerTopics.FRONTIER)
                .to("outcome", OperationOutcome.class, OperationTopics.OUTCOMES)
                .end();
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> asRecords(KStream<String, V> stream,
                                                                                         String name) {
        return stream.mapValues(value -> (SpecificRecord) value, Named.as(name + "-as-record"));
    }
}
