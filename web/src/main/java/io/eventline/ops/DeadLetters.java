package io.eventline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.kafka.TopicTail;
import io.eventline.streams.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the shared dead-letter topic from the moment the instance starts: how many records it received, per
 * source topic, and the latest reasons. Every instance reads every partition, so any instance can answer.
 */
public final class DeadLetters implements TopicTail.Reader {
    /** The latest reasons kept. */
    static final int LATEST = 20;
    /** Source topics counted apart; others are counted under {@value #OTHER}. */
    static final int MAX_TOPICS = 200;
    static final String OTHER = "(other)";
    /** A reason longer than this is cut: a stack trace says little on a page. */
    private static final int MAX_REASON_CHARS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final String topic;
    private final Map<String, Long> byTopic = new TreeMap<>();
    private final Deque<Letter> latest = new ArrayDeque<>();
    private long total;
    private volatile Set<TopicPartition> partitions = Set.of();

    /** One dead letter: when it was written, where its record was read, and why it was refused. */
    record Letter(Instant at, String topic, Integer partition, Long offset, String reason) {
    }

    public DeadLetters(String topic) {
        this.topic = topic;
    }

    @Override
    public List<String> topics() {
        return List.of(topic);
    }

    @Override
    public void partitionCounts(Map<String, Integer> counts) {
        partitions = IntStream.range(0, counts.get(topic)).mapToObj(p -> new TopicPartition(topic, p))
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public Set<TopicPartition> partitions() {
        return partitions;
    }

    @Override
    public void accept(ConsumerRecord<String, byte[]> record) {
        final String source = header(record, DeadLetterHeaders.TOPIC);
        final String partition = header(record, DeadLetterHeaders.PARTITION);
        final String offset = header(record, DeadLetterHeaders.OFFSET);
        final String kind = header(record, DeadLetterHeaders.EXCEPTION);
        final String message = header(record, DeadLetterHeaders.MESSAGE);
        final String reason = kind == null ? message : message == null ? kind : kind + ": " + message;
        final Letter letter = new Letter(Instant.ofEpochMilli(record.timestamp()), source == null ? "" : source,
                parse(partition, Integer::valueOf), parse(offset, Long::valueOf),
                reason == null ? "" : reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS)
                        : reason);
        synchronized (this) {
            total++;
            final String key = byTopic.containsKey(letter.topic()) || byTopic.size() < MAX_TOPICS
                    ? letter.topic() : OTHER;
            byTopic.merge(key, 1L, Long::sum);
            latest.addFirst(letter);
            while (latest.size() > LATEST) {
                latest.removeLast();
            }
        }
    }

    @Override
    public void stopped(RuntimeException failure) {
        if (failure != null) {
            LOG.warn("Stopped following {}: the ops view's dead-letter counts stand still", topic, failure);
        }
    }

    /** {@code {"total", "byTopic": {...}, "latest": [...]}}, newest first. */
    public synchronized ObjectNode describe(ObjectMapper json) {
        final ObjectNode answer = json.createObjectNode().put("total", total);
        final ObjectNode topics = answer.putObject("byTopic");
        byTopic.forEach(topics::put);
        final ArrayNode list = answer.putArray("latest");
        for (Letter letter : latest) {
            final ObjectNode node = list.addObject().put("at", letter.at().toString()).put("topic", letter.topic());
            if (letter.partition() == null) {
                node.putNull("partition");
            } else {
                node.put("partition", letter.partition());
            }
            if (letter.offset() == null) {
                node.putNull("offset");
            } else {
                node.put("offset", letter.offset());
            }
            node.put("reason", letter.reason());
        }
        return answer;
    }

    /** A record's header as UTF-8 text, or null when it has none of that name. */
    static String header(ConsumerRecord<String, byte[]> record, String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> T parse(String value, java.util.function.Function<String, T> parser) {
        try {
            return value == null ? null : parser.apply(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Counts by source topic, for tests. */
    synchronized Map<String, Long> byTopic() {
        return new LinkedHashMap<>(byTopic);
    }
}
