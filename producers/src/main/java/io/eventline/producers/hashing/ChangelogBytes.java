package io.eventline.producers.hashing;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;
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
        try (Admin admin = Admin.create(props)) {
            final var brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id)
                    .toList();
            final Map<TopicPartition, Long> bytes = new HashMap<>();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                    .get(30, TimeUnit.SECONDS).values()) {
                for (LogDirDescription dir : dirs.values()) {
                    dir.replicaInfos().forEach((partition, replica) -> {
                        if (partition.topic().endsWith("-changelog")) {
                            bytes.merge(partition, replica.size(), Math::max);
                        }
                    });
                }
            }
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the brokers' log sizes", e);
        } catch (Exception e) {
            throw new IllegalStateException("the brokers' log sizes could not be read: " + e, e);
        }
    }
}
