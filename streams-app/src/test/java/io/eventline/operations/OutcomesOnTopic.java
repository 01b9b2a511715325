package io.eventline.operations;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Where outcomes landed: every partition of {@code operations.outcomes.v1} read from the start, committed only. */
public final class OutcomesOnTopic {
    private OutcomesOnTopic() {
    }

    /**
     * The partition of each outcome of {@code userId}'s events, keyed by event ID, once {@code expected} are seen
     * or {@code wait} is up; records that are not outcomes are passed over.
     */
    public static Map<String, Integer> partitionsOf(String bootstrapServers, Deserializer<OperationOutcome> outcomes,
                                                    String userId, int expected, Duration wait) {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Map<String, Integer> partitionByEventId = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final List<TopicPartition> all = consumer.partitionsFor(OperationTopics.OUTCOMES.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(all);
            consumer.seekToBeginning(all);
            final long deadline = System.nanoTime() + wait.toNanos();
            while (partitionByEventId.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final OperationOutcome outcome;
                    try {
                        outcome = outcomes.deserialize(record.topic(), record.value());
                    } catch (SerializationException e) {
                        // a record other tests on the same broker put there to test dead-lettering
                        continue;
                    }
                    if (userId.equals(outcome.getUserId())) {
                        partitionByEventId.put(record.key(), record.partition());
                    }
                }
            }
        }
        return partitionByEventId;
    }
}
