package io.eventline.kafka;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads chosen partitions of some topics from their end on, on a thread of its own, without a consumer group:
 * what was written before a partition was taken on is never read, and nothing is committed. A {@link Reader}
 * says which partitions to read (it may change them before every read) and takes each record.
 */
public final class TopicTail implements AutoCloseable {
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    /** Whether records of a transaction are read before it commits. */
    public enum Isolation {
        READ_COMMITTED("read_committed"), READ_UNCOMMITTED("read_uncommitted");

        private final String config;

        Isolation(String config) {
            this.config = config;
        }
    }

    /** What a tail reads and what it does with it; every method runs on the tail's thread. */
    public interface Reader {
        /** The topics whose partitions {@link #partitions} may name. */
        List<String> topics();

        /** Once, before anything is read: the number of partitions of each of {@link #topics}. */
        void partitionCounts(Map<String, Integer> counts);

        /** Before every read: the partitions to read now; one not read before is read from its end on. */
        Set<TopicPartition> partitions();

        /** After the partitions were taken on; {@code unpositioned} are those whose end is not known yet. */
        default void positioned(Set<TopicPartition> unpositioned) {
        }

        /** A record read; a runtime exception thrown here stops the tail. */
        void accept(ConsumerRecord<String, byte[]> record);

        /** The tail stopped, closed or because of {@code failure} (null when closed). */
        void stopped(RuntimeException failure);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Reader reader;
    private final Duration pollTimeout;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread thread;
    private volatile Set<TopicPartition> assignment = Set.of();
    // the tail thread's alone
    private final Set<TopicPartition> unpositioned = new HashSet<>();

    /**
     * @param clientConfig the Kafka client settings to start from (bootstrap servers, security, fetch settings)
     * @param pollTimeout  how long one read waits for records before the reader is asked for its partitions again
     */
    public TopicTail(Map<String, ?> clientConfig, String clientId, Isolation isolation, Duration pollTimeout,
                     Reader reader) {
        final Properties props = new Properties();
        props.putAll(clientConfig);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.config);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.reader = reader;
        this.pollTimeout = pollTimeout;
        this.thread = new Thread(this::run, "tail-" + clientId);
        this.thread.setDaemon(true);
    }

    /**
     * Starts reading; true once the partition counts are known and the first partitions the reader named are
     * positioned at their end, false if that took longer than {@code timeout}.
     */
    public boolean start(Duration timeout) throws InterruptedException {
        thread.start();
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Makes the reader be asked for its partitions at once rather than after the current read. */
    public void wakeup() {
        LockSupport.unpark(thread);
        consumer.wakeup();
    }

    /** The partitions read now. */
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    /** How many partitions of {@code topic} are read now. */
    public int partitionsRead(String topic) {
        return (int) assignment.stream().filter(partition -> partition.topic().equals(topic)).count();
    }

    private void run() {
        RuntimeException failure = null;
        try {
            final Map<String, Integer> counts = new LinkedHashMap<>();
            for (String topic : reader.topics()) {
                counts.put(topic, consumer.partitionsFor(topic, METADATA_TIMEOUT).size());
            }
            reader.partitionCounts(counts);
            while (running.get() && !Thread.currentThread().isInterrupted()) {
                try {
                    follow(reader.partitions());
                    if (unpositioned.isEmpty()) {
                        started.countDown();
                    }
                    if (assignment.isEmpty()) {
                        // nothing to read: wait for the reader's partitions to change instead
                        LockSupport.parkNanos(pollTimeout.toNanos());
                    } else {
                        for (ConsumerRecord<String, byte[]> record : consumer.poll(pollTimeout)) {
                            reader.accept(record);
                        }
                    }
                } catch (WakeupException e) {
                    // woken to look at the reader's partitions, or to stop: the loop's condition tells which
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                failure = e;
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            try {
                reader.stopped(failure);
            } finally {
                consumer.close();
            }
        }
    }

    /** Reads exactly {@code wanted}, those new to it from their end, and learns where that end is. */
    private void follow(Set<TopicPartition> wanted) {
        if (!assignment.equals(wanted)) {
            final Set<TopicPartition> added = new HashSet<>(wanted);
            added.removeAll(assignment);
            consumer.assign(Set.copyOf(wanted));
            consumer.seekToEnd(added);
            assignment = Set.copyOf(wanted);
            unpositioned.addAll(added);
            unpositioned.retainAll(wanted);
        }
        for (TopicPartition partition : List.copyOf(unpositioned)) {
            try {
                consumer.position(partition, POSITION_TIMEOUT);
                unpositioned.remove(partition);
            } catch (TimeoutException e) {
                LOG.warn("Cannot find the end of {} yet; its readers wait: {}", partition, e.toString());
            }
        }
        reader.positioned(Set.copyOf(unpositioned));
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        wakeup();
        thread.join(CLOSE_TIMEOUT.toMillis());
    }
}
