package io.eventline.bench;

import io.eventline.kafka.TopicTail;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads every partition of some topics from their end, as the web layer's listeners do ({@link TopicTail}: no
 * group, {@code fetch.max.wait.ms=100}), deserializes each record and hands it on with the
 * {@link System#nanoTime()} it was read at. Records written once the constructor returned are all read.
 */
public final class TopicReader<V> implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    /** A record read: its key, its value and when it was read. */
    public record Arrival<V>(String key, V value, long nanos) {
    }

    /** What to do with each record; runs on the reader's thread. */
    @FunctionalInterface
    public interface OnRecord<V> {
        void accept(Arrival<V> arrival);
    }

    private final TopicTail tail;
    private final AtomicLong count = new AtomicLong();
    private volatile Throwable failure;

    /** Every partition of {@code topic} on {@code broker}, read as the reply listeners read it. */
    public static <V> TopicReader<V> latest(BenchBroker broker, String topic, Deserializer<V> values,
                                            BiConsumer<V, Long> onRecord) {
        return new TopicReader<>(broker.bootstrap(), "bench-watch-" + topic, TopicTail.Isolation.READ_UNCOMMITTED,
                List.of(topic), BenchBroker.PARTITIONS, values, arrival -> onRecord.accept(arrival.value(),
                arrival.nanos()));
    }

    /** Every partition of {@code topics}, read as a sender reads them: only what a transaction committed. */
    public static <V> TopicReader<V> committed(String bootstrap, int partitions, List<String> topics,
                                               Deserializer<V> values, BiConsumer<V, Long> onRecord) {
        return new TopicReader<>(bootstrap, "bench-read-" + String.join("+", topics),
                TopicTail.Isolation.READ_COMMITTED, topics, partitions, values,
                arrival -> onRecord.accept(arrival.value(), arrival.nanos()));
    }

    /**
     * @param isolation {@code READ_COMMITTED} to see what a sender sees of an exactly-once topology,
     *                  {@code READ_UNCOMMITTED} as the reply listeners read
     */
    public TopicReader(String bootstrap, String clientId, TopicTail.Isolation isolation, List<String> topics,
                       int partitions, Deserializer<V> values, OnRecord<V> onRecord) {
        final Set<TopicPartition> assigned = new HashSet<>();
        for (String topic : topics) {
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
        }
        this.tail = new TopicTail(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100), clientId, isolation, Duration.ofMillis(100),
                new TopicTail.Reader() {
                    @Override
                    public List<String> topics() {
                        return topics;
                    }

                    @Override
                    public void partitionCounts(Map<String, Integer> counts) {
                    }

                    @Override
                    public Set<TopicPartition> partitions() {
                        return assigned;
                    }

                    @Override
                    public void accept(ConsumerRecord<String, byte[]> record) {
                        final long now = System.nanoTime();
                        onRecord.accept(new Arrival<>(record.key(), values.deserialize(record.topic(), record.value()),
                                now));
                        count.incrementAndGet();
                    }

                    @Override
                    public void stopped(RuntimeException cause) {
                        failure = cause;
                    }
                });
        try {
            if (!tail.start(START_TIMEOUT)) {
                throw new IllegalStateException("could not reach the end of " + topics + " within " + START_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Records read so far. */
    public long count() {
        if (failure != null) {
            throw new IllegalStateException("the reader failed", failure);
        }
        return count.get();
    }

    @Override
    public void close() {
        try {
            tail.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
