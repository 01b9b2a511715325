package io.eventline.producers.load;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;

/** The bytes every broker of a cluster holds in its logs, per topic, as the brokers report them. */
public final class BrokerLogBytes implements AutoCloseable {
    private final Admin admin;

    BrokerLogBytes(String bootstrapServers) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "eventline-load-log-bytes");
        this.admin = Admin.create(props);
    }

    /** Bytes per topic, over every partition's replicas on every broker. */
    Map<String, Long> perTopic() {
        final Map<String, Long> bytes = new HashMap<>();
        eachReplica(admin, (partition, size) -> bytes.merge(partition.topic(), size, Long::sum));
        return bytes;
    }

    /** Hands every replica of every partition on every broker of the cluster, with its size in bytes, to {@code each}. */
    public static void eachReplica(Admin admin, BiConsumer<TopicPartition, Long> each) {
        try {
            final var brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id)
                    .toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions()
                    .get(30, TimeUnit.SECONDS).values()) {
                for (LogDirDescription dir : dirs.values()) {
                    dir.replicaInfos().forEach((partition, replica) -> each.accept(partition, replica.size()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the brokers' log sizes", e);
        } catch (Exception e) {
            throw new IllegalStateException("the brokers' log sizes could not be read: " + e, e);
        }
    }

    /** What grew between two readings, largest first, one line per topic that grew, and the total. */
    static String growth(Map<String, Long> before, Map<String, Long> after, long messages, long deliveries,
                         int textLength) {
        final Map<String, Long> grown = new HashMap<>();
        after.forEach((topic, size) -> {
            final long delta = size - before.getOrDefault(topic, 0L);
            if (delta > 0) {
                grown.put(topic, delta);
            }
        });
        final long total = grown.values().stream().mapToLong(Long::longValue).sum();
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%-12s %,d bytes appended for %,d messages of %,d characters "
                        + "(%,d deliveries): %,.0f bytes per message, %.1f times its text; %,.0f bytes per delivery%n",
                "log bytes", total, messages, textLength, deliveries, perOr0(total, messages),
                perOr0(total, messages) / Math.max(1, textLength), perOr0(total, deliveries)));
        grown.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(entry -> text.append(String.format(Locale.ROOT, "%-12s %,14d  %,10.0f/message  %s%n", "",
                        entry.getValue(), perOr0(entry.getValue(), messages), entry.getKey())));
        return text.toString();
    }

    private static double perOr0(long bytes, long count) {
        return count > 0 ? (double) bytes / count : 0;
    }

    @Override
    public void close() {
        admin.close();
    }
}
