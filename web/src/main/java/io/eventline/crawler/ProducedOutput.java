package io.eventline.crawler;

import io.eventline.clients.EventProducer;
import io.eventline.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch workers' output through the platform's producer. A lost report is made good by the frontier, which
 * releases an unreported request again after its timeout; a lost page or outlink batch is logged.
 */
final class ProducedOutput implements CrawlOutput {
    private static final Logger LOG = LoggerFactory.getLogger(ProducedOutput.class);

    private final EventProducer producer;

    ProducedOutput(EventProducer producer) {
        this.producer = producer;
    }

    @Override
    public void page(PageFetched page) {
        send(CrawlerTopics.PAGES, page, page.getUrl());
    }

    @Override
    public void discovered(UrlsDiscovered urls) {
        send(CrawlerTopics.FRONTIER, urls, urls.getFoundOn());
    }

    @Override
    public void report(FetchReported report) {
        send(CrawlerTopics.FETCHES, report, report.getUrl());
    }

    private <V extends SpecificRecord> void send(Topic<V> topic, V event, String about) {
        producer.send(topic, event).exceptionally(error -> {
            LOG.warn("A {} record about {} was not stored: {}", topic.name(), about, error.toString());
            return null;
        });
    }
}
