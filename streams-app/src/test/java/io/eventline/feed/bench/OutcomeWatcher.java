package io.eventline.feed.bench;

import io.eventline.bench.BenchBroker;
import io.eventline.bench.TopicReader;
import io.eventline.kafka.TopicTail;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads the outcome topic from its end, as the web layer's outcome listener does, and completes the watch of
 * an event ID with the {@link System#nanoTime()} its outcome arrived at.
 */
final class OutcomeWatcher implements AutoCloseable {
    /** An outcome and when it was read. */
    record Arrival(OperationOutcome outcome, long nanos) {
    }

    private final Map<String, CompletableFuture<Arrival>> watched = new ConcurrentHashMap<>();
    private final TopicReader<OperationOutcome> reader;

    OutcomeWatcher(BenchBroker cluster) {
        this.reader = new TopicReader<>(cluster.bootstrap(), "bench-outcomes", TopicTail.Isolation.READ_UNCOMMITTED,
                List.of(OperationTopics.OUTCOMES.name()), BenchBroker.PARTITIONS,
                cluster.serdes().of(OperationOutcome.class).deserializer(), read -> {
                    final CompletableFuture<Arrival> waiting = read.key() == null ? null : watched.remove(read.key());
                    if (waiting != null) {
                        waiting.complete(new Arrival(read.value(), read.nanos()));
                    }
                });
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

    @Override
    public void close() {
        reader.close();
    }
}
