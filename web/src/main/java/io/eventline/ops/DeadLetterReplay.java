package io.eventline.ops;

import io.eventline.registry.client.SchemaRegistryException;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.DeadLetterHeaders;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Gives the dead letters of one topic another chance: reads {@link StreamsSettings#DEAD_LETTER_TOPIC}, takes the
 * records that were read from that topic, checks each again as the topic's consumers would (it decodes with the
 * schema registry into the topic's event type, its key is the one its event computes, and the topic's own
 * {@link ContentCheck} lets it through), and produces those
 * that now pass back to the topic: the same key, value and timestamp, the original headers without the
 * dead-letter ones, and {@link #REPLAYED_FROM} naming the dead letter. A dead letter whose replay is already on
 * the topic is not produced again, so running the replay twice changes nothing.
 */
public final class DeadLetterReplay {
    /** Header of a replayed record: {@code <dead-letter topic>/<partition>/<offset>} of the dead letter it came from. */
    public static final String REPLAYED_FROM = "eventline.replayed-from";
    /** The prefix of the headers Kafka Streams and Eventline's own checks add to a dead letter. */
    static final String ERROR_HEADERS = "__streams.errors.";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;
    private final EventSerdes serdes;
    private final String deadLetterTopic;
    private final Map<String, ContentCheck> contentChecks;

    /** What a topic's consumer checks of an event besides its key: the reason it refuses it, or null. */
    @FunctionalInterface
    public interface ContentCheck {
        String refusal(SpecificRecord event);
    }

    /**
     * @param clientConfig    the Kafka client settings of the cluster (bootstrap servers, security)
     * @param serdes          the event serdes over the cluster's schema registry
     * @param deadLetterTopic the dead-letter topic, {@link StreamsSettings#DEAD_LETTER_TOPIC} but in tests
     * @param contentChecks   by topic name, the checks its consumer makes of an event's content
     */
    public DeadLetterReplay(Map<String, Object> clientConfig, EventSerdes serdes, String deadLetterTopic,
                            Map<String, ContentCheck> contentChecks) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.serdes = serdes;
        this.deadLetterTopic = deadLetterTopic;
        this.contentChecks = Map.copyOf(contentChecks);
    }

    /** What became of one dead letter. */
    public enum Outcome {
        REPLAYED("replayed"), WOULD_REPLAY("would replay"), STILL_FAILING("still failing"),
        ALREADY_REPLAYED("already replayed");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * One dead letter of the topic.
     *
     * @param partition   the dead letter's partition on the dead-letter topic
     * @param offset      its offset there
     * @param source      where it was read from, {@code <topic>/<partition>/<offset>}, as its headers say
     * @param deadLettered why it was dead-lettered, as its headers say
     * @param reason      why it still fails, for {@link Outcome#STILL_FAILING}; otherwise null
     */
    public record Verdict(int partition, long offset, Instant at, String key, String source, String deadLettered,
                          Outcome outcome, String reason) {
    }

    /** Every dead letter of the topic looked at, oldest first per partition. */
    public record Report(String topic, Optional<Instant> since, boolean dryRun, List<Verdict> verdicts) {
        public long count(Outcome outcome) {
            return verdicts.stream().filter(verdict -> verdict.outcome() == outcome).count();
        }

        /** One line: how many were looked at and what became of them. */
        public String summary() {
            final StringBuilder line = new StringBuilder().append(verdicts.size()).append(" dead letter")
                    .append(verdicts.size() == 1 ? "" : "s").append(" of ").append(topic);
            since.ifPresent(instant -> line.append(" since ").append(instant));
            line.append(": ");
            line.append(dryRun ? count(Outcome.WOULD_REPLAY) + " would be replayed"
                    : count(Outcome.REPLAYED) + " replayed");
            line.append(", ").append(count(Outcome.STILL_FAILING)).append(" still failing, ")
                    .append(count(Outcome.ALREADY_REPLAYED)).append(" already replayed");
            if (dryRun) {
                line.append(" (dry run: nothing was produced)");
            }
            return line.toString();
        }
    }

    /**
     * Replays the dead letters read from {@code topic} (written at or after {@code since}, when given); with
     * {@code dryRun} it only reports what it would do.
     */
    public <V extends SpecificRecord> Report replay(Topic<V> topic, Optional<Instant> since, boolean dryRun)
            throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            final List<TopicPartition> partitions = partitions(consumer, deadLetterTopic);
            final Map<TopicPartition, Long> start = since.isPresent() ? offsetsAt(consumer, partitions, since.get())
                    : consumer.beginningOffsets(partitions);
            read(consumer, start, consumer.endOffsets(partitions), record -> {
                if (topic.name().equals(header(record.headers(), DeadLetterHeaders.TOPIC))) {
                    deadLetters.add(record);
                }
            });
        }
        final Set<String> replayed = replayedAlready(topic, deadLetters);
        final List<Verdict> verdicts = new ArrayList<>();
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
            for (ConsumerRecord<byte[], byte[]> deadLetter : deadLetters) {
                final String key = deadLetter.key() == null ? null
                        : new String(deadLetter.key(), StandardCharsets.UTF_8);
                final String coordinates = coordinates(deadLetter);
                final Outcome outcome;
                final String reason;
                if (replayed.contains(coordinates)) {
                    outcome = Outcome.ALREADY_REPLAYED;
                    reason = null;
                } else {
                    reason = check(topic, key, deadLetter.value());
                    outcome = reason != null ? Outcome.STILL_FAILING : dryRun ? Outcome.WOULD_REPLAY
                            : Outcome.REPLAYED;
                }
                if (outcome == Outcome.REPLAYED) {
                    sent.add(producer.send(new ProducerRecord<>(topic.name(), partitionOf(producer, topic, key),
                            deadLetter.timestamp(), deadLetter.key(), deadLetter.value(),
                            replayHeaders(deadLetter.headers(), coordinates))));
                }
                verdicts.add(new Verdict(deadLetter.partition(), deadLetter.offset(),
                        Instant.ofEpochMilli(deadLetter.timestamp()), key, source(deadLetter.headers()),
                        deadLettered(deadLetter.headers()), outcome, reason));
            }
            if (producer != null) {
                producer.flush();
            }
        }
        for (Future<RecordMetadata> send : sent) {
            try {
                send.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a replayed record could not be written to " + topic.name() + ": "
                        + e.getCause().getMessage(), e.getCause());
            }
        }
        return new Report(topic.name(), since, dryRun, verdicts);
    }

    /**
     * Why the record still cannot be read from {@code topic}, or null when it can: it must decode into the topic's
     * event type with the registry's schemas, be keyed as its event says, and pass the topic's content check. A
     * registry that cannot be reached is an error of the whole replay, not a verdict on the record.
     */
    <V extends SpecificRecord> String check(Topic<V> topic, String key, byte[] value) {
        if (value == null) {
            return "it has no value";
        }
        final V event;
        try {
            event = serdes.of(topic.valueType()).deserializer().deserialize(topic.name(), value);
        } catch (RuntimeException e) {
            if (registryUnavailable(e)) {
                throw new IllegalStateException("the schema registry cannot be reached: " + e.getMessage(), e);
            }
            return "it cannot be read as " + topic.valueType().getSimpleName() + ": " + messages(e);
        }
        final String misKeyed = topic.misKeyed(key, event);
        if (misKeyed != null) {
            return misKeyed;
        }
        final ContentCheck content = contentChecks.get(topic.name());
        return content == null ? null : content.refusal(event);
    }

    /** The dead letters among {@code deadLetters} whose replay is already on {@code topic}. */
    private Set<String> replayedAlready(Topic<?> topic, List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        final Set<String> replayed = new HashSet<>();
        if (deadLetters.isEmpty()) {
            return replayed;
        }
        // a replay carries its dead letter's timestamp, so it lies at or after the earliest of them
        final long earliest = deadLetters.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            final List<TopicPartition> partitions = partitions(consumer, topic.name());
            read(consumer, offsetsAt(consumer, partitions, Instant.ofEpochMilli(Math.max(0, earliest))),
                    consumer.endOffsets(partitions), record -> {
                        final String from = header(record.headers(), REPLAYED_FROM);
                        if (from != null) {
                            replayed.add(from);
                        }
                    });
        }
        return replayed;
    }

    private static Headers replayHeaders(Headers original, String coordinates) {
        final Headers headers = new RecordHeaders();
        for (Header header : original) {
            if (!header.key().startsWith(ERROR_HEADERS) && !header.key().equals(REPLAYED_FROM)) {
                headers.add(header);
            }
        }
        headers.add(REPLAYED_FROM, coordinates.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    private String coordinates(ConsumerRecord<?, ?> deadLetter) {
        return deadLetterTopic + "/" + deadLetter.partition() + "/" + deadLetter.offset();
    }

    private static String source(Headers headers) {
        return header(headers, DeadLetterHeaders.TOPIC) + "/" + header(headers, DeadLetterHeaders.PARTITION) + "/"
                + header(headers, DeadLetterHeaders.OFFSET);
    }

    private static String deadLettered(Headers headers) {
        final String message = header(headers, DeadLetterHeaders.MESSAGE);
        final String exception = header(headers, DeadLetterHeaders.EXCEPTION);
        if (message == null || message.isBlank() || "null".equals(message)) {
            return exception;
        }
        return exception == null ? message : message + " (" + exception + ")";
    }

    private static Integer partitionOf(KafkaProducer<byte[], byte[]> producer, Topic<?> topic, String key) {
        if (topic.partitioner() == null || key == null) {
            return null;
        }
        return topic.partitioner().partition(key, producer.partitionsFor(topic.name()).size());
    }

    private static String header(Headers headers, String name) {
        final Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null
                : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static boolean registryUnavailable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SchemaRegistryException registry && registry.isTransient()) {
                return true;
            }
        }
        return false;
    }

    private static String messages(Throwable error) {
        final StringBuilder text = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause();
             cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    }

    /** The first offset of each partition at or after {@code at}, or its end when none is. */
    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                                       Instant at) {
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, at.toEpochMilli()));
        final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            final OffsetAndTimestamp offset = found.get(partition);
            offsets.put(partition, offset == null ? ends.get(partition) : offset.offset());
        }
        return offsets;
    }

    /** Every record from {@code start} up to {@code end}, per partition. */
    private static void read(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> start,
                             Map<TopicPartition, Long> end, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        final Set<TopicPartition> open = new HashSet<>();
        start.forEach((partition, offset) -> {
            if (offset < end.get(partition)) {
                open.add(partition);
            }
        });
        consumer.assign(open);
        open.forEach(partition -> consumer.seek(partition, start.get(partition)));
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no progress reading " + open + " for " + READ_TIMEOUT.toSeconds()
                        + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                if (open.contains(partition) && record.offset() < end.get(partition)) {
                    each.accept(record);
                    deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
                }
            }
            // a partition is done once its position passed the end seen at the start (transaction markers and
            // aborted records take offsets but are never returned)
            open.removeIf(partition -> consumer.position(partition) >= end.get(partition));
            consumer.assign(open);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        final Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventline-dlq-replay");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        final Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "eventline-dlq-replay");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
