package io.eventline.notify.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads topics on a thread of its own as a sender would see them: {@code read_committed}, so only what the
 * exactly-once topology committed, from the current end (records already there are skipped), every partition
 * assigned, no group. Each record is deserialized and handed on with the {@link System#nanoTime()} it was read at.
 */
final class CommittedReader<V> implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicLong count = new AtomicLong();
    private volatile Throwable failure;
    private volatile boolean running = true;

    CommittedReader(String bootstrap, int partitions, List<String> topics, Deserializer<V> values,
                    BiConsumer<V, Long> onRecord) {
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-read-" + String.join("+", topics),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> assigned = new ArrayList<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
        }
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        // resolves the positions now, so records written from here on are read
        assigned.forEach(consumer::position);
        this.thread = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        final long now = System.nanoTime();
                        onRecord.accept(values.deserialize(record.topic(), record.value()), now);
                        count.incrementAndGet();
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                failure = e;
            }
        }, "bench-read-" + String.join("+", topics));
        thread.setDaemon(true);
        thread.start();
    }

    /** Records read so far. */
    long count() {
        if (failure != null) {
            throw new IllegalStateException("the reader failed", failure);
        }
        return count.get();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
