package io.eventline.crawler;

import io.eventline.serde.EventSerdes;
import io.eventline.registry.client.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The crawler's whole topology in a test driver whose wall clock starts at {@code start}, with its input topics. */
final class CrawlerDriver {
    final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    final TopologyTestDriver driver;
    final TestInputTopic<String, CrawlCommanded> commands;
    final TestInputTopic<String, UrlsDiscovered> frontier;
    final TestInputTopic<String, FetchReported> fetches;
    final TestInputTopic<String, PageFetched> pages;

    CrawlerDriver(FrontierSettings settings, FetchDispatch workers, Instant start) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "crawler-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(CrawlerTopology.build(new CrawlerTopologySettings(3, settings, workers),
                serdes), props, start);
        commands = input(CrawlerTopics.COMMANDS.name(), CrawlCommanded.class);
        frontier = input(CrawlerTopics.FRONTIER.name(), UrlsDiscovered.class);
        fetches = input(CrawlerTopics.FETCHES.name(), FetchReported.class);
        pages = input(CrawlerTopics.PAGES.name(), PageFetched.class);
    }

    private <V extends org.apache.avro.specific.SpecificRecord> TestInputTopic<String, V> input(String topic,
                                                                                               Class<V> type) {
        return driver.createInputTopic(topic, Serdes.String().serializer(), serdes.of(type).serializer());
    }
}
