package io.eventline.notify.sending;

import io.eventline.notify.NotificationDelivery;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves deliveries from the retry topics back to their provider's topic once their {@code notBefore} has come.
 *
 * <p>Within a partition the head record is the next due, roughly, because one tier holds waits of similar
 * length: while it is not yet due its partition is paused at that record and resumed when it is (checked about
 * every 100 ms), while other partitions and tiers keep flowing. Each move is one transaction with its offset,
 * so a delivery is neither lost nor sent back twice.
 */
public final class RetryRelay extends ConsumerLoop {
    private static final Logger log = LoggerFactory.getLogger(RetryRelay.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final SenderTopics topics;
    private final Clock clock;
    private final AvroSerde<NotificationDelivery> deliveries;
    /** Paused partitions and when their head record is due, in epoch ms; touched by the loop's thread only. */
    private final Map<TopicPartition, Long> waitingUntil = new HashMap<>();

    /** A relay over {@code config}'s retry topics; nothing is read until {@link #run()}. */
    public RetryRelay(SenderConfig config, SchemaRegistryClient registry, Clock clock) {
        super("Retry relay",
                KafkaClients.consumer(config.clientConfig(), groupId(config.groupPrefix()),
                        transactionalId(config), config.maxPollRecords()),
                new TransactionalBatches(
                        () -> KafkaClients.transactionalProducer(config.clientConfig(), transactionalId(config))),
                POLL_TIMEOUT, config.closeTimeout());
        this.topics = config.topics();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deliveries = AvroSerde.forValue(registry, NotificationDelivery.class);
    }

    /** The relay's consumer group under {@code groupPrefix}. */
    public static String groupId(String groupPrefix) {
        return groupPrefix + "-retry-relay";
    }

    private static String transactionalId(SenderConfig config) {
        return groupId(config.groupPrefix()) + "-" + config.instanceId();
    }

    @Override
    void subscribe() {
        consumer.subscribe(topics.retries(), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                partitions.forEach(waitingUntil::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // newly assigned partitions start unpaused, at their committed offset
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                partitions.forEach(waitingUntil::remove);
            }
        });
    }

    @Override
    boolean handle(ConsumerRecords<String, byte[]> records) {
        final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        final Map<TopicPartition, Long> batchStarts = new HashMap<>();
        final long now = clock.millis();
        try {
            for (TopicPartition partition : records.partitions()) {
                for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                    batchStarts.putIfAbsent(partition, record.offset());
                    final NotificationDelivery delivery;
                    try {
                        delivery = deliveries.deserialize(record.topic(), record.value());
                    } catch (SerializationException e) {
                        if (!RawDeadLetter.unreadable(e)) {
                            throw e;
                        }
                        log.warn("Unreadable retry at {}@{}; dead-lettered", partition, record.offset(), e);
                        out.add(RawDeadLetter.of(topics.rawDeadLetters(), record, e));
                        offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
                        continue;
                    }
                    if (delivery != null && delivery.getNotBefore() > now) {
                        // the rest of this partition waits behind its head
                        consumer.pause(List.of(partition));
                        consumer.seek(partition, record.offset());
                        waitingUntil.put(partition, delivery.getNotBefore());
                        break;
                    }
                    if (delivery != null) {
                        final String topic = topics.deliveries(delivery.getProvider());
                        out.add(new ProducerRecord<>(topic, delivery.getUserId(),
                                deliveries.serialize(topic, delivery)));
                    }
                    offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
            }
        } catch (RuntimeException e) {
            // e.g. the registry is unreachable: nothing is committed and the batch is read again
            log.warn("Cannot relay a batch of retries; it will be read again", e);
            resumeAll();
            TransactionalBatches.rewind(consumer, batchStarts);
            return false;
        }
        if (offsets.isEmpty()) {
            return true;
        }
        if (!output.commit(out, offsets, consumer, batchStarts)) {
            resumeAll();
            return false;
        }
        return true;
    }

    @Override
    void afterPoll() {
        if (waitingUntil.isEmpty()) {
            return;
        }
        final long now = clock.millis();
        final List<TopicPartition> due = new ArrayList<>();
        waitingUntil.forEach((partition, until) -> {
            if (until <= now) {
                due.add(partition);
            }
        });
        if (!due.isEmpty()) {
            consumer.resume(due);
            due.forEach(waitingUntil::remove);
        }
    }

    /** After a rewind every partition reads again from its committed offset, paused or not. */
    private void resumeAll() {
        consumer.resume(waitingUntil.keySet());
        waitingUntil.clear();
    }
}
