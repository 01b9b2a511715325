package io.eventline.ratelimit.bench;

import io.eventline.feed.FeedTopics;
import io.eventline.kafka.EmbeddedKafkaBroker;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.operations.OperationTopics;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.shorturl.ShortUrlTopics;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A fresh single-node KRaft broker in this JVM (temporary directory, free port) with every Eventline topic created
 * as an instance creates it (the rate limiter's included, 6 partitions), plus the admin queries the rate-limiter
 * benchmarks need: end offsets per topic and a consumer group's lag.
 */
final class BenchBroker implements AutoCloseable {
    /** {@code EVENTLINE_TOPIC_PARTITIONS}' default. */
    static final int PARTITIONS = 6;

    private final Path root;
    private final EmbeddedKafkaBroker broker;
    private final Admin admin;
    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());

    private BenchBroker(Path root) {
        this.root = root;
        this.broker = new EmbeddedKafkaBroker(root.resolve("kafka"), 0).start();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    static BenchBroker start() {
        final Path root;
        try {
            root = Files.createTempDirectory("eventline-ratelimit-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final BenchBroker cluster = new BenchBroker(root);
        try (TopicProvisioner topics = new TopicProvisioner(cluster.admin)) {
            topics.ensureTopics(productionTopics());
        }
        return cluster;
    }

    /** The topics of {@code Platform}: every domain's, at the default partition count and replication factor 1. */
    private static List<TopicSpec> productionTopics() {
        final List<TopicSpec> specs = new ArrayList<>();
        Stream.of(ShortUrlTopics.ALL, FeedTopics.ALL, RateLimitTopics.ALL, OperationTopics.ALL)
                .flatMap(List::stream).forEach(topic -> specs.add(spec(topic)));
        specs.add(TopicSpec.of(StreamsSettings.DEAD_LETTER_TOPIC, PARTITIONS).withReplicationFactor(1));
        return specs;
    }

    private static TopicSpec spec(Topic<?> topic) {
        return new TopicSpec(topic.name(), PARTITIONS, (short) 1, topic.topicConfig());
    }

    void createTopic(String name) {
        try (TopicProvisioner topics = new TopicProvisioner(admin)) {
            topics.ensureTopics(TopicSpec.of(name, PARTITIONS).withReplicationFactor(1));
        }
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    EventSerdes serdes() {
        return serdes;
    }

    /** A fresh directory under this run's temporary directory. */
    Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records per topic so far (sum of end offsets over partitions), every non-internal topic, by name. */
    TreeMap<String, Long> endOffsets() {
        final TreeMap<String, Long> byTopic = new TreeMap<>();
        endOffsets(topics()).forEach((tp, end) -> byTopic.merge(tp.topic(), end, Long::sum));
        return byTopic;
    }

    private Set<String> topics() {
        try {
            return admin.listTopics(new ListTopicsOptions().listInternal(false)).names().get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<TopicPartition, Long> endOffsets(Set<String> topics) {
        try {
            final Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get();
            final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            described.values().forEach(d -> d.partitions().forEach(p ->
                    request.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(request).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records of {@code topics} the consumer group has not committed yet. */
    long lag(String groupId, Set<String> topics) {
        try {
            final Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end : endOffsets(topics).entrySet()) {
                final OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the group has committed every record of {@code topics} twice in a row, a commit apart. */
    void awaitIdle(String groupId, Set<String> topics, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (quiet < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(groupId + " still has " + lag(groupId, topics)
                        + " records to process after " + timeout);
            }
            quiet = lag(groupId, topics) == 0 ? quiet + 1 : 0;
            Out.sleep(quiet == 0 ? 200 : 1_100);
        }
    }

    /** The topics whose names start with {@code prefix}, sorted. */
    List<String> topicsStartingWith(String prefix) {
        return topics().stream().filter(t -> t.startsWith(prefix)).sorted(Comparator.naturalOrder()).toList();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
        broker.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
