package io.eventline.producers.hashing;

import io.eventline.producers.load.BrokerLogBytes;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * The size of every changelog partition, as the brokers report their logs ({@code describeLogDirs}): exactly
 * what an instance that takes a task over without a copy reads to restore its state. Of a partition's replicas
 * the largest counts (they hold the same records; a follower may be a little behind).
 */
final class ChangelogBytes {
    private ChangelogBytes() {
    }

    static Map<TopicPartition, Long> read(String bootstrapServers) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "eventline-load-changelog-bytes");
        final Map<TopicPartition, Long> bytes = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            BrokerLogBytes.eachReplica(admin, (partition, size) -> {
                if (partition.topic().endsWith("-changelog")) {
                    bytes.merge(partition, size, Math::max);
                }
            });
        }
        return bytes;
    }
}
