package io.eventline.query;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back reads from active stores after the streams (re)start running until they have processed every
 * record their input partitions held at that moment. Records processed before a crash but not yet committed
 * are processed again after it, and their results (the write a client was already told about) exist only
 * then; answering earlier could call an acknowledged item missing.
 */
public final class CatchUpGate implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CatchUpGate.class);
    private static final Duration CHECK_EVERY = Duration.ofMillis(250);
    private static final long ADMIN_TIMEOUT_SECONDS = 5;
    /** How often a gate still waiting looks whether only aborted records are left to wait for. */
    private static final Duration LOOK_EVERY = Duration.ofSeconds(2);

    private final KafkaStreams streams;
    private final Admin admin;
    private final String groupId;
    private final Map<String, Object> clientConfig;
    private final ScheduledExecutorService checks;
    private volatile boolean caughtUp;
    private Map<TopicPartition, Long> required;
    private long lastLook;

    /** @param clientConfig the Kafka client settings, for a look at what lies between a committed and an end offset */
    public CatchUpGate(KafkaStreams streams, Admin admin, String groupId, Map<String, Object> clientConfig) {
        this.streams = streams;
        this.admin = admin;
        this.groupId = groupId;
        this.clientConfig = clientConfig;
        this.checks = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "catch-up-gate");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** To be called on every state change of the streams. */
    public void onStateChange(KafkaStreams.State now) {
        if (now == KafkaStreams.State.RUNNING) {
            checks.execute(this::startOver);
        } else {
            caughtUp = false;
        }
    }

    /** True once every input partition this instance processes has been committed past its end at start. */
    public boolean caughtUp() {
        return caughtUp;
    }

    private synchronized void startOver() {
        caughtUp = false;
        required = null;
        lastLook = System.nanoTime();
        check();
    }

    private synchronized void check() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return;
        }
        try {
            if (required == null) {
                required = endOffsets(activeInputPartitions());
            }
            final Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            final List<TopicPartition> behind = required.entrySet().stream().filter(need -> need.getValue() > 0
                    && (committed.get(need.getKey()) == null || committed.get(need.getKey()).offset() < need.getValue()))
                    .map(Map.Entry::getKey).toList();
            if (behind.isEmpty() || nothingToProcess(behind, committed)) {
                caughtUp = true;
                LOG.info("Caught up with the {} input partitions held at start; serving reads", required.size());
                return;
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not compare committed and end offsets yet: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        checks.schedule(this::check, CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Whether no record a reader sees lies between the committed and the required offsets: a partition whose tail
     * is a transaction that a crash aborted ends in records and a marker that no task processes, so no task commits
     * past them either.
     */
    private boolean nothingToProcess(List<TopicPartition> behind, Map<TopicPartition, OffsetAndMetadata> committed) {
        if (behind.stream().anyMatch(partition -> committed.get(partition) == null)
                || System.nanoTime() - lastLook < LOOK_EVERY.toNanos()) {
            return false;
        }
        lastLook = System.nanoTime();
        final Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-catch-up-gate");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(behind);
            behind.forEach(partition -> consumer.seek(partition, committed.get(partition).offset()));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ADMIN_TIMEOUT_SECONDS);
            while (System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < required.get(new TopicPartition(record.topic(), record.partition()))) {
                        return false;
                    }
                }
                if (behind.stream().allMatch(partition -> consumer.position(partition) >= required.get(partition))) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not look past the committed offsets yet: {}", e.toString());
        }
        return false;
    }

    private Set<TopicPartition> activeInputPartitions() {
        final Set<TopicPartition> partitions = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                partitions.addAll(task.topicPartitions());
            }
        }
        return partitions;
    }

    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        final Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .forEach((partition, info) -> ends.put(partition, info.offset()));
        return ends;
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
