package io.eventline.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.registry.SchemaRegistryConfig;
import io.eventline.registry.SchemaRegistryServer;
import io.eventline.serde.AvroSerde;
import io.eventline.topics.Topic;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** The schema registry an instance serves itself when none is configured. */
final class RegistryServer {
    /** The schema registry's log, named as in Confluent's registry so existing tooling recognizes it. */
    static final String SCHEMAS_TOPIC = "_schemas";

    private RegistryServer() {
    }

    /** Starts the registry on the cluster and returns its URL; the domains' subjects are kept from deletion. */
    static String start(EventlineConfig config, KafkaCluster kafka, String userInfo, List<Topic<?>> domainTopics,
                        ObjectMapper json, Closer closer) {
        final SchemaRegistryServer registry = closer.add(new SchemaRegistryServer(SchemaRegistryConfig
                .defaults((String) kafka.clientConfig().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), userInfo)
                .withKafkaClientProperties(kafka.clientConfig())
                .withTopic(SCHEMAS_TOPIC)
                .withReplicationFactor(kafka.durability().replicationFactor())
                .withListener(config.registry().host(), config.registryPort())
                .withProtectedSubjects(subjects(domainTopics)), json));
        registry.start();
        return registry.url();
    }

    /** The key and value subjects of the topics, which the registry keeps from deletion and weaker levels. */
    private static Set<String> subjects(List<Topic<?>> topics) {
        return topics.stream().flatMap(topic -> Stream.of(AvroSerde.subject(topic.name(), true),
                AvroSerde.subject(topic.name(), false))).collect(Collectors.toUnmodifiableSet());
    }
}
