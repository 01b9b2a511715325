package io.eventline.feed.bench;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the outcome topic from its end, as the web layer's outcome listener does, and completes the watch of
 * an event ID with the {@link System#nanoTime()} its outcome arrived at.
 */
final class OutcomeWatcher implements AutoCloseable {
    /** An outcome and when it was read. */
    record Arrival(OperationOutcome outcome, long nanos) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Deserializer<OperationOutcome> values;
    private final Map<String, CompletableFuture<Arrival>> watched = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    OutcomeWatcher(BenchCluster cluster) {
        this.values = cluster.serdes().of(OperationOutcome.class).deserializer();
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.CLIENT_ID_CONFIG, "bench-outcomes", ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100),
                new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < BenchCluster.PARTITIONS; p++) {
            partitions.add(new TopicPartition(OperationTopics.OUTCOMES.name(), p));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.thread = new Thread(this::run, "bench-outcomes");
        thread.setDaemon(true);
        thread.start();
    }

    /** Call before sending the event. */
    CompletableFuture<Arrival> watch(String eventId) {
        return watched.computeIfAbsent(eventId, id -> new CompletableFuture<>());
    }

    static Arrival await(CompletableFuture<Arrival> arrival, Duration timeout) {
        try {
            return arrival.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no outcome within " + timeout, e);
        }
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    final CompletableFuture<Arrival> waiting = watched.remove(record.key());
                    if (waiting != null) {
                        waiting.complete(new Arrival(values.deserialize(record.topic(), record.value()),
                                System.nanoTime()));
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
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
    }
}
