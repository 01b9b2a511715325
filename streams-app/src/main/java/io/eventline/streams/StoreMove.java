package io.eventline.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands state stores from one Kafka Streams application to another, before either starts: each store's changelog
 * is copied record by record into the changelog the other application restores from (same partitions, keys,
 * values, timestamps and headers), the input topics' committed offsets are carried over, and the old changelog is
 * deleted last. The deletion marks the move done: a move cut short is run again in full at the next start, which
 * appends the same records again, and a restore that reads a record twice in order ends in the same state.
 */
public final class StoreMove {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMove.class);

    /**
     * @param fromApplication the application that kept the stores
     * @param toApplication   the application that keeps them from now on
     * @param stores          the stores' names
     * @param inputTopics     the topics the stores' steps read, whose committed offsets move with them
     */
    public record Plan(String fromApplication, String toApplication, List<String> stores, List<String> inputTopics) {
        String from(String store) {
            return fromApplication + "-" + store + "-changelog";
        }

        String to(String store) {
            return toApplication + "-" + store + "-changelog";
        }
    }

    private final Admin admin;
    private final Map<String, Object> clientConfig;
    private final Duration timeout;

    /** @param clientConfig the Kafka client settings every client starts from (bootstrap servers, security) */
    public StoreMove(Admin admin, Map<String, Object> clientConfig, Duration timeout) {
        this.admin = admin;
        this.clientConfig = clientConfig;
        this.timeout = timeout;
    }

    /** Runs the move if there is anything to move; returns how many records it copied. */
    public long run(Plan plan) throws InterruptedException, ExecutionException, TimeoutException {
        final Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        final List<String> stores = plan.stores().stream().filter(store -> existing.contains(plan.from(store)))
                .toList();
        if (stores.isEmpty()) {
            return 0;
        }
        long copied = 0;
        for (String store : stores) {
            if (!existing.contains(plan.to(store))) {
                createLike(plan.from(store), plan.to(store));
            }
            copied += copy(plan.from(store), plan.to(store));
        }
        carryOffsets(plan);
        admin.deleteTopics(stores.stream().map(plan::from).toList()).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("Moved stores {} from {} to {}: {} changelog records", stores, plan.fromApplication(),
                plan.toApplication(), copied);
        return copied;
    }

    private void createLike(String from, String to) throws InterruptedException, ExecutionException,
            TimeoutException {
        final TopicDescription description = admin.describeTopics(List.of(from)).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(from);
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, from);
        final Config config = admin.describeConfigs(List.of(resource)).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        final Map<String, String> overrides = new HashMap<>();
        for (ConfigEntry entry : config.entries()) {
            if (entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                overrides.put(entry.name(), entry.value());
            }
        }
        admin.createTopics(List.of(new NewTopic(to, description.partitions().size(),
                (short) description.partitions().get(0).replicas().size()).configs(overrides))).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private long copy(String from, String to) throws InterruptedException, ExecutionException, TimeoutException {
        final Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventline-store-move-reader");
        final Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "eventline-store-move-writer");
        final AtomicReference<Exception> failure = new AtomicReference<>();
        long copied = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(from, timeout).forEach(info -> partitions.add(new TopicPartition(from,
                    info.partition())));
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + timeout.toNanos() * 10;
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("copying " + from + " to " + to + " did not finish");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    producer.send(new ProducerRecord<>(to, record.partition(), record.timestamp(), record.key(),
                            record.value(), record.headers()), (metadata, error) -> {
                                if (error != null) {
                                    failure.compareAndSet(null, error);
                                }
                            });
                    copied++;
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new ExecutionException("copying " + from + " to " + to + " failed", failure.get());
        }
        return copied;
    }

    /**
     * The new application starts where the old one stopped on the inputs. A group with members cannot have its
     * offsets set; the new application then reads the inputs from their start, which its steps take as replays.
     */
    private void carryOffsets(Plan plan) throws InterruptedException, ExecutionException, TimeoutException {
        final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(plan.fromApplication()).partitionsToOffsetAndMetadata()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).forEach((partition, offset) -> {
                    if (offset != null && plan.inputTopics().contains(partition.topic())) {
                        committed.put(partition, new OffsetAndMetadata(offset.offset()));
                    }
                });
        final Set<TopicPartition> already = admin.listConsumerGroupOffsets(plan.toApplication())
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS).keySet();
        committed.keySet().removeAll(already);
        if (committed.isEmpty()) {
            return;
        }
        try {
            admin.alterConsumerGroupOffsets(plan.toApplication(), committed).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            LOG.warn("Could not carry the offsets of {} over to {} ({}); it reads them from their start",
                    plan.inputTopics(), plan.toApplication(), e.getCause().toString());
        }
    }
}
