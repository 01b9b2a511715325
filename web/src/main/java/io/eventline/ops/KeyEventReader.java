package io.eventline.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.eventline.serde.AvroSerde;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.DeadLetterHeaders;
import io.eventline.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads the recent events about one key: on each topic that carries its kind, only the partition the key is placed
 * on (every partition, with a shorter tail each, where the topic is keyed by something else), the last
 * {@code tail} records of it, with a short-lived consumer that is assigned the partitions and seeks (no group).
 * Bounded in records read, in time and in the events kept.
 */
final class KeyEventReader {
    /** Strings in an event's JSON are cut to this: the answer shows what happened, not whole chat texts. */
    static final int MAX_STRING = 300;
    /** Lists in an event's JSON are cut to this many items (a fan-out's users, say), with a note of the rest. */
    static final int MAX_ITEMS = 20;
    private static final AtomicLong READERS = new AtomicLong();
    /** Device tokens and contact points stay out of answers: an operator needs to know they exist, not them. */
    private static final Set<String> SECRET_FIELDS = Set.of("token", "address", "email", "phone",
            "unsubscribeUrl");

    private final Map<String, Object> clientConfig;
    private final EventSerdes serdes;
    private final ObjectMapper json;
    private final int tail;
    private final int maxRecords;
    private final Duration budget;
    private final Map<Class<?>, Deserializer<?>> deserializers = new ConcurrentHashMap<>();
    private final String deadLetterTopic;
    private final Deserializer<GenericContainer> anyEvent;

    /**
     * @param tail       records read from the end of each partition the key is placed on
     * @param maxRecords records read at most in one story, over all partitions
     * @param budget     how long one story may read
     * @param deadLetterTopic where records that could not be processed go, under their own key, with the reason in
     *                   their headers; null for none
     */
    KeyEventReader(Map<String, Object> clientConfig, EventSerdes serdes, ObjectMapper json, int tail, int maxRecords,
                   Duration budget, String deadLetterTopic) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.serdes = serdes;
        this.json = json;
        this.tail = tail;
        this.maxRecords = maxRecords;
        this.budget = budget;
        this.deadLetterTopic = deadLetterTopic;
        this.anyEvent = AvroSerde.generic(serdes.registry(), false).deserializer();
    }

    /** One event about the key, as the answer shows it. */
    record KeyEvent(String topic, int partition, long offset, long timestamp, String type, String outcome,
                    String summary, JsonNode event) {
    }

    /** The events found, newest first, and what was read to find them. */
    record Found(List<KeyEvent> events, int recordsRead, boolean complete) {
    }

    /** The newest {@code limit} events about {@code key} on {@code topics}. */
    Found read(List<KeyedTopic<?>> topics, String key, int limit) {
        final long deadline = System.nanoTime() + budget.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig())) {
            final Map<TopicPartition, List<KeyedTopic<?>>> readers = new HashMap<>();
            final Map<TopicPartition, Integer> tails = new HashMap<>();
            for (KeyedTopic<?> topic : topics) {
                place(consumer, topic, key, readers, tails);
            }
            final TopicPartition deadLetters = deadLettersOf(consumer, key);
            if (deadLetters != null) {
                readers.putIfAbsent(deadLetters, List.of());
                tails.put(deadLetters, tail);
            }
            consumer.assign(readers.keySet());
            final Map<TopicPartition, Long> ends = consumer.endOffsets(readers.keySet(), remaining(deadline));
            final Map<TopicPartition, Long> starts = consumer.beginningOffsets(readers.keySet(), remaining(deadline));
            final Map<TopicPartition, Long> toRead = new HashMap<>();
            for (TopicPartition partition : readers.keySet()) {
                final long end = ends.getOrDefault(partition, 0L);
                final long from = Math.max(starts.getOrDefault(partition, 0L), end - tails.get(partition));
                if (from < end) {
                    consumer.seek(partition, from);
                    toRead.put(partition, end);
                }
            }
            consumer.pause(readers.keySet().stream().filter(partition -> !toRead.containsKey(partition)).toList());
            return poll(consumer, readers, deadLetters, toRead, key, limit, deadline);
        }
    }

    private Found poll(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, List<KeyedTopic<?>>> readers,
                       TopicPartition deadLetters, Map<TopicPartition, Long> toRead, String key, int limit,
                       long deadline) {
        final List<KeyEvent> found = new ArrayList<>();
        final Map<KeyedTopic<?>, Function<SpecificRecord, KeyedTopic.Told>> tellers =
                new HashMap<>();
        int read = 0;
        while (!toRead.isEmpty() && read < maxRecords && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(
                    Math.max(1, Math.min(200, remaining(deadline).toMillis()))))) {
                final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                final Long end = toRead.get(partition);
                if (end == null || record.offset() >= end) {
                    continue;
                }
                read++;
                if (partition.equals(deadLetters) && key.equals(record.key())) {
                    found.add(deadLetter(record));
                }
                for (KeyedTopic<?> topic : readers.get(partition)) {
                    final KeyEvent event = eventOf(topic, record, key,
                            tellers.computeIfAbsent(topic, KeyedTopic::teller));
                    if (event != null) {
                        found.add(event);
                    }
                }
            }
            // a partition is done once its position passed the end it had when the story began
            for (Iterator<Map.Entry<TopicPartition, Long>> it = toRead.entrySet().iterator(); it.hasNext(); ) {
                final Map.Entry<TopicPartition, Long> next = it.next();
                if (consumer.position(next.getKey(), remaining(deadline)) >= next.getValue()) {
                    consumer.pause(List.of(next.getKey()));
                    it.remove();
                }
            }
        }
        found.sort(Comparator.comparingLong(KeyEvent::timestamp).thenComparingLong(KeyEvent::offset).reversed());
        return new Found(found.size() > limit ? List.copyOf(found.subList(0, limit)) : List.copyOf(found), read,
                toRead.isEmpty());
    }

    private KeyEvent eventOf(KeyedTopic<?> topic, ConsumerRecord<String, byte[]> record, String key,
                             Function<SpecificRecord, KeyedTopic.Told> teller) {
        if (record.value() == null || topic.recordKeyed() && !topic.placedBy().apply(key).equals(record.key())) {
            return null;
        }
        final SpecificRecord event;
        try {
            event = (SpecificRecord) deserializer(topic.topic()).deserialize(record.topic(), record.value());
        } catch (SerializationException | ClassCastException e) {
            return null;
        }
        if (event == null || !topic.isAbout(event, key)) {
            return null;
        }
        final KeyedTopic.Told told = teller.apply(event);
        return new KeyEvent(record.topic(), record.partition(), record.offset(), record.timestamp(),
                event.getSchema().getName(), told.outcome(), told.summary(), jsonOf(event));
    }

    /** The dead-letter topic's partition of {@code key}: records keep their key there. */
    private TopicPartition deadLettersOf(KafkaConsumer<String, byte[]> consumer, String key) {
        if (deadLetterTopic == null) {
            return null;
        }
        final List<PartitionInfo> partitions = consumer.partitionsFor(deadLetterTopic, Duration.ofSeconds(2));
        if (partitions == null || partitions.isEmpty()) {
            return null;
        }
        return new TopicPartition(deadLetterTopic, Utils.toPositive(Utils.murmur2(key.getBytes(
                StandardCharsets.UTF_8))) % partitions.size());
    }

    /** A record of the key that a stream could not process, with the reason its headers give. */
    private KeyEvent deadLetter(ConsumerRecord<String, byte[]> record) {
        final String reason = Optional.ofNullable(DeadLetters.header(record, DeadLetterHeaders.MESSAGE))
                .or(() -> Optional.ofNullable(DeadLetters.header(record, DeadLetterHeaders.EXCEPTION))).orElse("no reason given");
        final String source = DeadLetters.header(record, DeadLetterHeaders.TOPIC);
        final ObjectNode event = json.createObjectNode();
        event.put("topic", source);
        event.put("partition", DeadLetters.header(record, DeadLetterHeaders.PARTITION));
        event.put("offset", DeadLetters.header(record, DeadLetterHeaders.OFFSET));
        event.put("exception", DeadLetters.header(record, DeadLetterHeaders.EXCEPTION));
        event.put("reason", cut(reason));
        String type = "unreadable record";
        try {
            final GenericContainer value = record.value() == null ? null
                    : anyEvent.deserialize(record.topic(), record.value());
            if (value != null) {
                type = value.getSchema().getName();
                event.set("value", jsonOf(value));
            }
        } catch (RuntimeException e) {
            event.put("value", "(" + (record.value() == null ? 0 : record.value().length)
                    + " bytes that are no event)");
        }
        return new KeyEvent(record.topic(), record.partition(), record.offset(), record.timestamp(), type,
                "dead-lettered: " + cut(reason), type + (source == null ? "" : " from " + source)
                + " could not be processed: " + cut(reason), event);
    }

    private Deserializer<?> deserializer(Topic<?> topic) {
        return deserializers.computeIfAbsent(topic.valueType(),
                type -> serdes.of(topic.valueType()).deserializer());
    }

    /** The event as JSON (Avro's own rendering of a record), long strings cut short. */
    private JsonNode jsonOf(GenericContainer event) {
        try {
            return cut(json.readTree(event.toString()));
        } catch (Exception e) {
            return TextNode.valueOf(cut(event.toString()));
        }
    }

    private static JsonNode cut(JsonNode node) {
        if (node.isObject()) {
            final ObjectNode object = (ObjectNode) node;
            object.properties().forEach(field -> object.set(field.getKey(),
                    SECRET_FIELDS.contains(field.getKey()) && !field.getValue().isNull()
                            ? TextNode.valueOf("(hidden)") : cut(field.getValue())));
        } else if (node.isArray()) {
            final ArrayNode array = (ArrayNode) node;
            final int more = array.size() - MAX_ITEMS;
            while (array.size() > MAX_ITEMS) {
                array.remove(array.size() - 1);
            }
            for (int i = 0; i < array.size(); i++) {
                array.set(i, cut(array.get(i)));
            }
            if (more > 0) {
                array.add("… " + more + " more");
            }
        } else if (node.isTextual() && node.asText().length() > MAX_STRING) {
            return TextNode.valueOf(cut(node.asText()));
        }
        return node;
    }

    private static String cut(String text) {
        return text.length() > MAX_STRING ? text.substring(0, MAX_STRING) + "…" : text;
    }

    private void place(KafkaConsumer<String, byte[]> consumer, KeyedTopic<?> topic, String key,
                       Map<TopicPartition, List<KeyedTopic<?>>> readers, Map<TopicPartition, Integer> tails) {
        final List<PartitionInfo> partitions = consumer.partitionsFor(topic.topic().name(), Duration.ofSeconds(2));
        if (partitions == null || partitions.isEmpty()) {
            return;
        }
        final int count = partitions.size();
        if (topic.placedBy() == null) {
            // keyed by something else: the key's events may be on any partition, each read less deeply
            final int each = Math.max(1, tail / count);
            for (PartitionInfo info : partitions) {
                add(new TopicPartition(info.topic(), info.partition()), topic, each, readers, tails);
            }
            return;
        }
        add(new TopicPartition(topic.topic().name(), partitionOf(topic.topic(), topic.placedBy().apply(key), count)),
                topic, tail, readers, tails);
    }

    private static void add(TopicPartition partition, KeyedTopic<?> topic, int depth,
                            Map<TopicPartition, List<KeyedTopic<?>>> readers, Map<TopicPartition, Integer> tails) {
        readers.computeIfAbsent(partition, p -> new ArrayList<>()).add(topic);
        tails.merge(partition, depth, Math::max);
    }

    /** The partition a producer puts {@code recordKey} on: the topic's own partitioner, or Kafka's key hashing. */
    static int partitionOf(Topic<?> topic, String recordKey, int partitionCount) {
        if (topic.partitioner() != null) {
            return topic.partitioner().partition(recordKey, partitionCount);
        }
        return Utils.toPositive(Utils.murmur2(recordKey.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }

    private Properties consumerConfig() {
        final Properties props = new Properties();
        props.putAll(clientConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "eventline-key-story-" + READERS.incrementAndGet());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // what an aborted transaction wrote never happened; the exactly-once application's topics hold some
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.min(maxRecords, 2_000)));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    static String iso(long timestamp) {
        return Instant.ofEpochMilli(timestamp).toString();
    }
}
