package io.eventline.notify.sending;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a consumed batch's results and the batch's offsets in one transaction. When that fails the
 * consumer is rewound to its committed offsets, so the batch is read again, and a producer that can no longer
 * be used (fenced, or in a state abort cannot fix) is replaced.
 */
final class TransactionalBatches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionalBatches.class);

    private final Supplier<Producer<String, byte[]>> factory;
    private Producer<String, byte[]> producer;

    TransactionalBatches(Supplier<Producer<String, byte[]>> factory) {
        this.factory = factory;
    }

    /**
     * Commits {@code records} together with {@code offsets} for {@code consumer}'s group.
     *
     * @param batchStarts the first offset of the batch per partition, where a partition goes back to if its
     *                    committed offset cannot be read
     * @return true if committed; false if aborted, in which case the consumer has been rewound
     */
    boolean commit(List<ProducerRecord<String, byte[]>> records, Map<TopicPartition, OffsetAndMetadata> offsets,
                   Consumer<String, byte[]> consumer, Map<TopicPartition, Long> batchStarts) {
        try {
            if (producer == null) {
                producer = start();
            }
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> record : records) {
                producer.send(record);
            }
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            // fails if any send above failed, so no callback is needed per record
            producer.commitTransaction();
            return true;
        } catch (KafkaException e) {
            log.warn("Transaction failed; going back to the last committed offsets", e);
            abortOrReplace();
        } catch (RuntimeException e) {
            log.warn("Transaction failed; replacing the producer and going back to the last committed offsets", e);
            replace();
        }
        rewind(consumer, batchStarts);
        return false;
    }

    /** Moves every assigned partition back to its committed offset, or else to where its batch started. */
    static void rewind(Consumer<String, byte[]> consumer, Map<TopicPartition, Long> batchStarts) {
        final Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = consumer.committed(assigned);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("Cannot read committed offsets; going back to the start of the batch", e);
            committed = Map.of();
        }
        for (TopicPartition partition : assigned) {
            final OffsetAndMetadata offset = committed.get(partition);
            if (offset != null) {
                consumer.seek(partition, offset);
            } else if (batchStarts.containsKey(partition)) {
                consumer.seek(partition, batchStarts.get(partition));
            }
        }
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    private Producer<String, byte[]> start() {
        final Producer<String, byte[]> created = factory.get();
        try {
            created.initTransactions();
            return created;
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw e;
        }
    }

    private void abortOrReplace() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // fenced, or a fatal producer error: only a new producer (new epoch) can write again
            log.debug("Abort failed; replacing the producer", e);
            replace();
        }
    }

    private void replace() {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                log.debug("Closing a broken producer failed", e);
            }
            producer = null;
        }
    }
}
