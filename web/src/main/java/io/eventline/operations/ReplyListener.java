package io.eventline.operations;

import io.eventline.kafka.TopicTail;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
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

    private static final Duration POLL = Duration.ofMillis(500);
    private static final int FETCH_MAX_WAIT_MS = 100;

    private final TopicTail tail;
    private final Topic<V> topic;
    private final AvroSerde<V> serde;
    private final Predicate<V> isFinal;
    private final int workerId;
    private final String clientId;
    private final Map<String, CompletableFuture<V>> waiting = new ConcurrentHashMap<>();

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
        final Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        this.tail = new TopicTail(config, clientId,
                readCommitted ? TopicTail.Isolation.READ_COMMITTED : TopicTail.Isolation.READ_UNCOMMITTED, POLL,
                new WorkerPartitionReader());
        this.topic = topic;
        this.serde = AvroSerde.forValue(registry, topic.valueType());
        this.isFinal = isFinal;
        this.workerId = workerId;
        this.clientId = clientId;
    }

    /** Starts tailing and returns once positioned at the end of every partition it reads. */
    public void start(Duration timeout) throws InterruptedException {
        if (!tail.start(timeout)) {
            throw new IllegalStateException("the topic " + topic.name() + " could not be read within " + timeout);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TopicPartition partition : tail.assignment()) {
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

    /** Reads the one partition that holds the replies to the events of this instance's worker. */
    private final class WorkerPartitionReader implements TopicTail.Reader {
        private Set<TopicPartition> partitions = Set.of();

        @Override
        public List<String> topics() {
            return List.of(topic.name());
        }

        @Override
        public void partitionCounts(Map<String, Integer> counts) {
            partitions = Set.of(new TopicPartition(topic.name(),
                    new OutcomePartitioner().partitionOfWorker(workerId, counts.get(topic.name()))));
        }

        @Override
        public Set<TopicPartition> partitions() {
            return partitions;
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            complete(record);
        }

        @Override
        public void stopped(RuntimeException failure) {
            if (failure != null) {
                LOG.error("The listener of {} stopped", topic.name(), failure);
            }
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
        tail.close();
    }
}
