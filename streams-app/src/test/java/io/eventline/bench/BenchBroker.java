package io.eventline.bench;

import io.eventline.kafka.EmbeddedKafkaBroker;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A fresh single-node KRaft broker in this JVM (temporary directory, free port) with the topics of the domains a
 * benchmark runs created as an instance creates them, one in-memory schema registry for the benchmark's clients
 * and topologies, and the admin queries benchmarks need: end offsets, consumer lag, bytes on disk.
 */
public final class BenchBroker implements AutoCloseable {
    /** {@code EVENTLINE_TOPIC_PARTITIONS}' default. */
    public static final int PARTITIONS = 6;

    private final Path root;
    private final EmbeddedKafkaBroker broker;
    private final Admin admin;
    private final boolean keep;
    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());

    private BenchBroker(Path root, boolean keep) {
        this.root = root;
        this.keep = keep;
        this.broker = new EmbeddedKafkaBroker(root.resolve("kafka"), 0).start();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    /**
     * @param name    what the temporary directory is named after, e.g. {@code feed}
     * @param keep    whether to leave the directory behind, for a look at RocksDB's and the broker's files
     * @param domains the topics of each domain the benchmark runs ({@code FeedTopics.ALL}, …); the dead-letter
     *                topic is always created
     */
    @SafeVarargs
    public static BenchBroker start(String name, boolean keep, Collection<? extends Topic<?>>... domains) {
        final Path root;
        try {
            root = Files.createTempDirectory("eventline-" + name + "-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        final BenchBroker cluster = new BenchBroker(root, keep);
        final List<TopicSpec> specs = new ArrayList<>();
        for (Collection<? extends Topic<?>> topics : domains) {
            topics.forEach(topic -> specs.add(new TopicSpec(topic.name(), PARTITIONS, (short) 1, topic.topicConfig())));
        }
        specs.add(TopicSpec.of(StreamsSettings.DEAD_LETTER_TOPIC, PARTITIONS).withReplicationFactor(1));
        try (TopicProvisioner topics = new TopicProvisioner(cluster.admin)) {
            topics.ensureTopics(specs);
        }
        return cluster;
    }

    public void createTopic(String name) {
        try (TopicProvisioner topics = new TopicProvisioner(admin)) {
            topics.ensureTopics(TopicSpec.of(name, PARTITIONS).withReplicationFactor(1));
        }
    }

    public String bootstrap() {
        return broker.bootstrapServers();
    }

    public EventSerdes serdes() {
        return serdes;
    }

    /** A fresh directory under this run's temporary directory. */
    public Path dir(String name) {
        try {
            return Files.createDirectories(root.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path kafkaDir() {
        return root.resolve("kafka");
    }

    /** Records per topic so far (sum of end offsets over partitions), every non-internal topic, by name. */
    public TreeMap<String, Long> endOffsets() {
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

    /**
     * Records of {@code topics} the consumer group has not committed yet. Kafka Streams commits every
     * {@code commit.interval.ms}, after flushing its caches, so 0 means everything was processed and written.
     */
    public long lag(String groupId, Set<String> topics) {
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
    public void awaitIdle(String groupId, Set<String> topics, Duration timeout) {
        final long deadline = System.nanoTime() + timeout.toNanos();
        int quiet = 0;
        while (quiet < 2) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(groupId + " still has " + lag(groupId, topics)
                        + " records to process after " + timeout);
            }
            quiet = lag(groupId, topics) == 0 ? quiet + 1 : 0;
            Bench.sleep(quiet == 0 ? 200 : 1_100);
        }
    }

    /**
     * Bytes of {@code topic}'s log segments on the broker, every partition. Index files are left out: the broker
     * preallocates them (10 MiB per segment) whatever the segment holds.
     */
    public long topicBytes(String topic) {
        long total = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            total += Bench.segmentBytes(kafkaDir().resolve(topic + "-" + p));
        }
        return total;
    }

    /** The topics whose names start with {@code prefix}, sorted. */
    public List<String> topicsStartingWith(String prefix) {
        return topics().stream().filter(t -> t.startsWith(prefix)).sorted(Comparator.naturalOrder()).toList();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(10));
        broker.close();
        if (keep) {
            Bench.line("kept %s", root);
        } else {
            Bench.deleteRecursively(root);
        }
    }
}
