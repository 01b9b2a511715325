package io.eventline.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A running Kafka cluster that tests can connect to; see {@link KafkaClusterExtension}.
 */
public interface KafkaCluster {

    /** The {@code host:port} list for clients' {@code bootstrap.servers}. */
    String bootstrapServers();

    /** A mutable client config holding only {@code bootstrap.servers}, to add producer or consumer settings to. */
    default Map<String, Object> clientConfig() {
        final Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }
}
