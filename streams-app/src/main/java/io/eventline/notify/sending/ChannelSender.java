package io.eventline.notify.sending;

import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.DeliveryState;
import io.eventline.notify.DeliveryStatusChanged;
import io.eventline.notify.DevicePlatform;
import io.eventline.notify.NotificationChannel;
import io.eventline.notify.NotificationDeadLettered;
import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.RecipientChange;
import io.eventline.notify.RecipientChangeKind;
import io.eventline.notify.delivery.OutgoingMessage;
import io.eventline.notify.delivery.ProviderClient;
import io.eventline.notify.delivery.ProviderResult;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one provider's deliveries: reads its delivery topic in small batches, calls the provider for every
 * delivery of a batch concurrently, and writes the outcomes (status changes, retries, dead letters, disabled
 * devices) together with the batch's offsets in one Kafka transaction.
 *
 * <p>A delivery whose outcome is committed is never called again. Only the calls of the batch in flight when
 * the process dies or its transaction fails are repeated, which is why batches are small; providers that take
 * an idempotency key get {@link OutgoingMessage#deliveryId()}, which is the same on every attempt.
 *
 * <p>It is a plain consumer on its own thread ({@link #run()}), so a slow provider never holds up stream
 * processing. {@link #close()} lets a batch in flight finish and stops the loop.
 */
public final class ChannelSender extends ConsumerLoop {
    private static final Logger log = LoggerFactory.getLogger(ChannelSender.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final DeliveryProvider provider;
    private final ProviderClient client;
    private final SenderConfig config;
    private final SenderTopics topics;
    private final Clock clock;
    private final SenderMetrics metrics;
    private final AvroSerde<NotificationDelivery> deliveries;
    private final AvroSerde<DeliveryStatusChanged> statuses;
    private final AvroSerde<NotificationDeadLettered> deadLetters;
    private final AvroSerde<RecipientChange> recipientChanges;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final ExecutorService calls;

    /**
     * A sender for {@code provider}'s topic that calls {@code client}, which the caller keeps and closes.
     * Nothing is read until {@link #run()}.
     */
    public ChannelSender(DeliveryProvider provider, ProviderClient client, SenderConfig config,
                         SchemaRegistryClient registry, MeterRegistry meterRegistry, Clock clock) {
        this(provider, client, config, registry, meterRegistry, clock,
                transactionalId(config, provider));
    }

    private ChannelSender(DeliveryProvider provider, ProviderClient client, SenderConfig config,
                          SchemaRegistryClient registry, MeterRegistry meterRegistry, Clock clock,
                          String transactionalId) {
        super(provider.name() + " sender",
                KafkaClients.consumer(config.clientConfig(), groupId(config.groupPrefix(), provider),
                        transactionalId, config.maxPollRecords()),
                new TransactionalBatches(
                        () -> KafkaClients.transactionalProducer(config.clientConfig(), transactionalId)),
                POLL_TIMEOUT, config.closeTimeout());
        this.provider = Objects.requireNonNull(provider, "provider");
        this.client = Objects.requireNonNull(client, "client");
        this.config = Objects.requireNonNull(config, "config");
        this.topics = config.topics();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = new SenderMetrics(meterRegistry, provider);
        this.deliveries = AvroSerde.forValue(registry, NotificationDelivery.class);
        this.statuses = AvroSerde.forValue(registry, DeliveryStatusChanged.class);
        this.deadLetters = AvroSerde.forValue(registry, NotificationDeadLettered.class);
        this.recipientChanges = AvroSerde.forValue(registry, RecipientChange.class);
        this.calls = Executors.newFixedThreadPool(config.concurrency(),
                callThreads(provider.name().toLowerCase(Locale.ROOT)));
    }

    /** The consumer group of {@code provider}'s senders under {@code groupPrefix}. */
    public static String groupId(String groupPrefix, DeliveryProvider provider) {
        return groupPrefix + "-sender-" + provider.name().toLowerCase(Locale.ROOT);
    }

    private static String transactionalId(SenderConfig config, DeliveryProvider provider) {
        return groupId(config.groupPrefix(), provider) + "-" + config.instanceId();
    }

    @Override
    void subscribe() {
        consumer.subscribe(List.of(topics.deliveries(provider)));
    }

    @Override
    void onSlowClose() {
        // interrupted calls come back as results, so the batch still commits
        calls.shutdownNow();
    }

    @Override
    void release() {
        calls.shutdownNow();
    }

    /** Calls the provider for a batch and commits the outcomes; false if the transaction failed. */
    @Override
    boolean handle(ConsumerRecords<String, byte[]> records) {
        final List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        final List<NotificationDelivery> toSend = new ArrayList<>();
        final Map<TopicPartition, Long> batchStarts = new HashMap<>();
        final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            batchStarts.putIfAbsent(partition, record.offset());
            offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
            final NotificationDelivery delivery;
            try {
                delivery = deliveries.deserialize(record.topic(), record.value());
            } catch (SerializationException e) {
                if (!RawDeadLetter.unreadable(e)) {
                    // the registry is away: read the batch again later, before any provider is called
                    log.warn("Cannot read a {} batch now; it will be read again", provider, e);
                    TransactionalBatches.rewind(consumer, batchStarts);
                    return false;
                }
                log.warn("Unreadable delivery at {}-{}@{}; dead-lettered", record.topic(), record.partition(),
                        record.offset(), e);
                out.add(RawDeadLetter.of(topics.rawDeadLetters(), record, e));
                continue;
            }
            if (delivery != null) {
                toSend.add(delivery);
            }
        }

        final List<Call> inFlight = new ArrayList<>(toSend.size());
        for (NotificationDelivery delivery : toSend) {
            inFlight.add(new Call(delivery, calls.submit(() -> call(delivery))));
        }
        final List<ProviderResult> results = new ArrayList<>(inFlight.size());
        for (Call call : inFlight) {
            results.add(await(call.result()));
        }
        final List<SenderMetrics.Outcome> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < inFlight.size(); i++) {
                outcomes.add(outcome(inFlight.get(i).delivery(), results.get(i), out));
            }
        } catch (RuntimeException e) {
            // e.g. the registry is unreachable: nothing is committed and the batch is read again
            log.warn("Cannot write the outcomes of a {} batch; it will be read again", provider, e);
            TransactionalBatches.rewind(consumer, batchStarts);
            return false;
        }
        if (!output.commit(out, offsets, consumer, batchStarts)) {
            return false;
        }
        outcomes.forEach(metrics::outcome);
        return true;
    }

    private ProviderResult call(NotificationDelivery delivery) {
        if (delivery.getAttempt() <= 1 && delivery.getRequestedAt() != null) {
            metrics.requestToCall(Duration.between(delivery.getRequestedAt(), clock.instant()));
        }
        final long start = System.nanoTime();
        try {
            final ProviderResult result = client.send(toMessage(delivery));
            return result != null ? result : new ProviderResult.Transient("provider client returned no result", null);
        } catch (RuntimeException e) {
            // clients should map every failure to a result; one that does not is treated as worth retrying
            log.warn("The {} client threw for delivery {}", provider, delivery.getDeliveryId(), e);
            return new ProviderResult.Transient(e.toString(), null);
        } finally {
            metrics.providerCall(System.nanoTime() - start);
        }
    }

    private static ProviderResult await(Future<ProviderResult> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a provider call", e);
        } catch (ExecutionException e) {
            return new ProviderResult.Transient(String.valueOf(e.getCause()), null);
        } catch (CancellationException e) {
            return new ProviderResult.Transient("call cancelled", null);
        }
    }

    /** Adds the records that follow from {@code result} to {@code out} and returns the outcome to count. */
    private SenderMetrics.Outcome outcome(NotificationDelivery delivery, ProviderResult result,
                                          List<ProducerRecord<String, byte[]>> out) {
        final Instant now = clock.instant();
        if (result instanceof ProviderResult.Sent) {
            out.add(status(delivery, DeliveryState.SENT, null, null, now));
            return SenderMetrics.Outcome.SENT;
        }
        if (result instanceof ProviderResult.NotConfigured notConfigured) {
            out.add(status(delivery, DeliveryState.NOT_CONFIGURED, notConfigured.reason(), null, now));
            return SenderMetrics.Outcome.NOT_CONFIGURED;
        }
        if (result instanceof ProviderResult.Transient failure) {
            if (config.retryPolicy().shouldRetry(delivery.getAttempt())) {
                final Duration delay = config.retryPolicy().delayAfter(delivery.getAttempt(), failure.retryAfter(),
                        random);
                final NotificationDelivery retry = NotificationDelivery.newBuilder(delivery)
                        .setAttempt(delivery.getAttempt() + 1)
                        .setNotBefore(now.plus(delay).toEpochMilli())
                        .setLastError(failure.error())
                        .build();
                final String tier = topics.retries().get(config.retryPolicy().tierIndex(delay));
                out.add(new ProducerRecord<>(tier, delivery.getUserId(), deliveries.serialize(tier, retry)));
                out.add(status(delivery, DeliveryState.RETRYING, null, failure.error(), now));
                return SenderMetrics.Outcome.RETRYING;
            }
            giveUp(delivery, "gave up after " + delivery.getAttempt() + " attempts: " + failure.error(),
                    failure.error(), now, out);
            return SenderMetrics.Outcome.FAILED;
        }
        final ProviderResult.Permanent permanent = (ProviderResult.Permanent) result;
        giveUp(delivery, permanent.error(), permanent.error(), now, out);
        if (!permanent.addressInvalid()) {
            return SenderMetrics.Outcome.FAILED;
        }
        if (delivery.getChannel() == NotificationChannel.PUSH) {
            final RecipientChange disabled = RecipientChange.newBuilder()
                    .setEventId("disable:" + delivery.getDeliveryId())
                    .setTimestamp(now)
                    .setUserId(delivery.getUserId())
                    .setKind(RecipientChangeKind.DEVICE_DISABLED)
                    .setDeviceId(delivery.getDeviceId())
                    .setPlatform(platform(delivery.getProvider()))
                    .setToken(delivery.getAddress())
                    .setReason(permanent.error())
                    .build();
            out.add(new ProducerRecord<>(topics.recipients(), delivery.getUserId(),
                    recipientChanges.serialize(topics.recipients(), disabled)));
        }
        return SenderMetrics.Outcome.INVALID_ADDRESS;
    }

    private void giveUp(NotificationDelivery delivery, String reason, String error, Instant now,
                        List<ProducerRecord<String, byte[]>> out) {
        final NotificationDelivery failed = NotificationDelivery.newBuilder(delivery).setLastError(error).build();
        final NotificationDeadLettered letter = NotificationDeadLettered.newBuilder()
                .setEventId(delivery.getEventId())
                .setUserId(delivery.getUserId())
                .setReason(reason)
                .setAt(now)
                .setRequest(null)
                .setDelivery(failed)
                .build();
        out.add(new ProducerRecord<>(topics.deadLetters(), delivery.getUserId(),
                deadLetters.serialize(topics.deadLetters(), letter)));
        out.add(status(delivery, DeliveryState.FAILED, reason, error, now));
    }

    private ProducerRecord<String, byte[]> status(NotificationDelivery delivery, DeliveryState state, String reason,
                                                  String lastError, Instant now) {
        final DeliveryStatusChanged status = DeliveryStatusChanged.newBuilder()
                .setEventId(delivery.getEventId())
                .setUserId(delivery.getUserId())
                .setChannel(delivery.getChannel())
                .setDeviceId(delivery.getDeviceId())
                .setState(state)
                .setReason(reason)
                .setAttempts(delivery.getAttempt())
                .setLastError(lastError)
                .setRequestedBy(delivery.getRequestedBy())
                .setTemplate(delivery.getTemplate())
                .setAt(now)
                .build();
        return new ProducerRecord<>(topics.status(), delivery.getEventId(),
                statuses.serialize(topics.status(), status));
    }

    static OutgoingMessage toMessage(NotificationDelivery delivery) {
        return new OutgoingMessage(delivery.getDeliveryId(), delivery.getAddress(), delivery.getTitle(),
                delivery.getBody(), delivery.getSubject(), delivery.getHtml(), delivery.getBody(),
                delivery.getUnsubscribeUrl(), delivery.getData());
    }

    private static DevicePlatform platform(DeliveryProvider provider) {
        return switch (provider) {
            case APNS -> DevicePlatform.IOS;
            case FCM -> DevicePlatform.ANDROID;
            case SMTP, SMS -> null;
        };
    }

    private static ThreadFactory callThreads(String provider) {
        final AtomicInteger count = new AtomicInteger();
        return task -> {
            final Thread thread = new Thread(task, "notify-" + provider + "-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private record Call(NotificationDelivery delivery, Future<ProviderResult> result) {
    }
}
