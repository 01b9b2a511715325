package io.eventline.operations;

import io.eventline.serde.AvroSerde;
import io.eventline.registry.client.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the outcomes topic from its end and completes the futures of writes this instance is awaiting.
 * Every instance reads every outcome, so no routing is needed for the reply to reach its request.
 */
public final class OutcomeListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutcomeListener.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroSerde<OperationOutcome> serde;
    private final Map<String, CompletableFuture<OperationOutcome>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    public OutcomeListener(String bootstrapServers, String clientId, SchemaRegistryClient registry) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.serde = AvroSerde.forValue(registry, OperationOutcome.class);
        this.thread = new Thread(this::run, "outcome-listener");
        this.thread.setDaemon(true);
    }

    /** Starts tailing and returns once positioned at the end of every partition. */
    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the outcomes topic could not be read within " + timeout);
        }
    }

    /** Registers interest in {@code eventId}; call before producing the event so no outcome is missed. */
    public CompletableFuture<OperationOutcome> expect(String eventId) {
        return waiting.computeIfAbsent(eventId, id -> new CompletableFuture<>());
    }

    /** Drops interest, e.g. after the caller gave up waiting. */
    public void forget(String eventId) {
        waiting.remove(eventId);
    }

    private void run() {
        try {
            final String topic = OperationTopics.OUTCOMES.name();
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.countDown();
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    complete(record);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("The outcome listener stopped", e);
        } finally {
            consumer.close();
        }
    }

    private void complete(ConsumerRecord<String, byte[]> record) {
        final CompletableFuture<OperationOutcome> future = record.key() == null ? null : waiting.get(record.key());
        if (future == null) {
            return;
        }
        try {
            final OperationOutcome outcome = serde.deserialize(record.topic(), record.value());
            if (outcome != null && Outcomes.isTerminal(outcome)) {
                waiting.remove(record.key());
                future.complete(outcome);
            }
        } catch (SerializationException e) {
            LOG.warn("Skipping an unreadable outcome at {}-{}@{}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(5_000);
    }
}
