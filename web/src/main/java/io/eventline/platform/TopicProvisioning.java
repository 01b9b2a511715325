package io.eventline.platform;

import io.eventline.ids.WorkerLease;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.util.ArrayList;
import java.util.List;

/** Creates the topics an instance needs that do not exist yet: the domains' own and the platform's. */
final class TopicProvisioning {
    private TopicProvisioning() {
    }

    static void ensure(EventlineConfig config, KafkaCluster kafka, List<Topic<?>> domainTopics) throws Exception {
        final List<TopicSpec> specs = new ArrayList<>();
        domainTopics.forEach(topic -> specs.add(new TopicSpec(topic.name(), config.topicPartitions(),
                TopicSpec.BROKER_DEFAULT_REPLICATION, topic.topicConfig())));
        specs.add(TopicSpec.of(StreamsSettings.DEAD_LETTER_TOPIC, config.topicPartitions()));
        specs.add(TopicSpec.of(RegistryServer.SCHEMAS_TOPIC, 1).compacted());
        specs.add(WorkerLease.topicSpec(WorkerLease.TOPIC));
        try (TopicProvisioner topics = new TopicProvisioner(kafka.admin())) {
            topics.ensureTopics(specs.stream().map(kafka.durability()::apply).toList());
        }
    }
}
