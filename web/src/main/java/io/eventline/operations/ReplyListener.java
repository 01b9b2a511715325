package io.eventline.operations;

import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
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
 * Tails a topic of replies keyed by request (the outcomes of writes) from its end and completes the futures of
 * requests this instance is awaiting. It reads only the one partition that {@link OutcomePartitioner} gives the
 * events this instance's worker minted, so no instance reads the outcomes of another's writes unless their
 * workers share that partition.
 *
 * @param <V> the reply type
 */
public final class ReplyListener<V extends SpecificRecord> implements AutoCloseable, MeterBinder {
    /** One gauge per partition read, tagged with the topic and partition, so an operator sees who reads what. */
    public static final String PARTITIONS_METER = "eventline.replies.partition";
    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Topic<V> topic;
    private final AvroSerde<V> serde;
    private final Predicate<V> isFinal;
    private final int workerId;
    private final String clientId;
    private volatile List<TopicPartition> assigned = List.of();
    private final Map<String, CompletableFuture<V>> waiting = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Thread thread;

    /**
     * Awaits the outcomes of writes whose event IDs worker {@code workerId} minted, reading only their partition;
     * a pending marker is not final.
     */
    public static ReplyListener<OperationOutcome> outcomes(Map<String, ?> clientConfig, String clientId,
                                                           SchemaRegistryClient registry, int workerId) {
        return new ReplyListener<>(clientConfig, clientId, registry, OperationTopics.OUTCOMES,
                Outcomes::isTerminal, false, workerId);
    }

    /**
     * As {@link #outcomes}, as a {@code read_committed} consumer sees them: an exactly-once application's
     * outcome only once its transaction committed, so an answer never reports what an abort undid.
     */
    public static ReplyListener<OperationOutcome> committedOutcomes(Map<String, ?> clientConfig, String clientId,
                                                                    SchemaRegistryClient registry, int workerId) {
        return new ReplyListener<>(clientConfig, clientId, registry, OperationTopics.OUTCOMES,
                Outcomes::isTerminal, true, workerId);
    }

    /**
     * @param isFinal       whether a reply ends the wait; others (progress markers) are skipped
     * @param readCommitted whether to skip transactional replies until their transaction commits
     * @param workerId      the worker whose minted events' replies this instance awaits
     */
    private ReplyListener(Map<String, ?> clientConfig, String clientId, SchemaRegistryClient registry, Topic<V> topic,
                          Predicate<V> isFinal, boolean readCommitted, int workerId) {
        final Properties props = new Properties();
        props.putAll(clientConfig);
        if (readCommitted) {
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.serde = AvroSerde.forValue(registry, topic.valueType());
        this.isFinal = isFinal;
        this.workerId = workerId;
        this.clientId = clientId;
        this.thread = new Thread(this::run, "replies-" + topic.name());
        this.thread.setDaemon(true);
    }

    /** Starts tailing and returns once positioned at the end of every partition it reads. */
    public void start(Duration timeout) throws InterruptedException {
        thread.start();
        if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the topic " + topic.name() + " could not be read within " + timeout);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TopicPartition partition : assigned) {
            Gauge.builder(PARTITIONS_METER, () -> 1)
                    .description("A partition this instance reads to learn the replies it awaits")
                    .tags("listener", clientId, "topic", partition.topic(),
                            "partition", Integer.toString(partition.partition()))
                    .register(registry);
        }
    }

    /** Registers interest in {@code eventId}; call before producing the event so no outcome is missed. */
    public CompletableFuture<V> expect(String eventId) {
        return waiting.computeIfAbsent(eventId, id -> new CompletableFuture<>());
    }

    /** Drops interest, e.g. after the caller gave up waiting. */
    public void forget(String eventId) {
        waiting.remove(eventId);
    }

    private void run() {
        try {
            final String name = topic.name();
            final int partitionCount = consumer.partitionsFor(name, Duration.ofSeconds(30)).size();
            final List<TopicPartition> partitions = List.of(new TopicPartition(name,
                    new OutcomePartitioner().partitionOfWorker(workerId, partitionCount)));
            assigned = partitions;
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
            LOG.error("The listener of {} stopped", topic.name(), e);
        } finally {
            consumer.close();
        }
    }

    private void complete(ConsumerRecord<String, byte[]> record) {
        final CompletableFuture<V> future = record.key() == null ? null : waiting.get(record.key());
        if (future == null) {
            return;
        }
        try {
            final V reply = serde.deserialize(record.topic(), record.value());
            if (reply != null && isFinal.test(reply)) {
                waiting.remove(record.key());
                future.complete(reply);
            }
        } catch (SerializationException e) {
            LOG.warn("Skipping an unreadable reply at {}-{}@{}: {}", record.topic(), record.partition(),
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
