package io.eventline.platform;

import io.eventline.kafka.EmbeddedKafkaBroker;

/** The Kafka broker an instance runs in-process when no cluster is configured. */
final class EmbeddedBroker {
    private EmbeddedBroker() {
    }

    /** Starts the broker in the data directory and returns its bootstrap servers. */
    static String start(EventlineConfig config, Closer closer) {
        final EmbeddedKafkaBroker broker = closer.add(new EmbeddedKafkaBroker(config.dataDir().resolve("kafka"),
                config.kafkaPort(), EmbeddedKafkaBroker.DEFAULT_HOST, config.durability().brokerConfig()));
        broker.start();
        return broker.bootstrapServers();
    }
}
