package io.eventline.notify.sending;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.kafka.TopicSpec;
import io.eventline.notify.DeliveryProvider;
import io.eventline.notify.DeliveryState;
import io.eventline.notify.DeliveryStatusChanged;
import io.eventline.notify.NotificationChannel;
import io.eventline.notify.NotificationDeadLettered;
import io.eventline.notify.NotificationDelivery;
import io.eventline.notify.RecipientChange;
import io.eventline.notify.RecipientChangeKind;
import io.eventline.notify.delivery.NotConfiguredClient;
import io.eventline.notify.delivery.ProviderClient;
import io.eventline.notify.delivery.ProviderResult;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class NotificationSendersIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final RetryPolicy SHORT_WAITS = RetryPolicy.of(3, Duration.ofMillis(200),
            Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800));

    private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
    private final AvroSerde<NotificationDelivery> deliverySerde =
            AvroSerde.forValue(registry, NotificationDelivery.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private KafkaCluster kafka;
    private SenderConfig config;
    private SenderTopics topics;

    @BeforeEach
    void setUp(KafkaCluster kafka, TestNames names) {
        this.kafka = kafka;
        final String suffix = names.unique("t");
        topics = SenderTopics.DEFAULT.renamed(name -> name + "." + suffix);
        config = new SenderConfig(kafka.bootstrapServers(), names.groupId("notify"), "instance-1", SHORT_WAITS,
                topics, 8, 50, Duration.ofSeconds(10));
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka.bootstrapServers())) {
            provisioner.ensureTopics(topics.all().stream().map(name -> TopicSpec.of(name, 2)).toList());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    @Test
    void shouldSendADeliveryOnceAndReportItSent() throws Exception {
        // Given
        final ScriptedClient client = new ScriptedClient();
        start(client);

        // When
        final NotificationDelivery delivery = delivery("d1", DeliveryProvider.APNS);
        produce(delivery);

        // Then
        final List<DeliveryStatusChanged> statuses = awaitStatuses("event-d1", DeliveryState.SENT);
        assertThat(statuses).singleElement().satisfies(status -> {
            assertThat(status.getUserId()).isEqualTo("user-d1");
            assertThat(status.getChannel()).isEqualTo(NotificationChannel.PUSH);
            assertThat(status.getDeviceId()).isEqualTo("device-d1");
            assertThat(status.getTemplate()).isEqualTo("welcome");
            assertThat(status.getAttempts()).isEqualTo(1);
        });
        assertThat(client.calls("d1")).singleElement().satisfies(call -> {
            assertThat(call.message().address()).isEqualTo("token-d1");
            assertThat(call.message().title()).isEqualTo("Hi");
            assertThat(call.message().body()).isEqualTo("Hello");
            assertThat(call.message().text()).isEqualTo("Hello");
            assertThat(call.message().data()).containsEntry("screen", "home");
        });
        assertThat(meters.counter(SenderMetrics.DELIVERIES, "provider", "apns", "outcome", "sent").count())
                .isEqualTo(1.0);
        assertThat(meters.timer(SenderMetrics.PROVIDER_CALL, "provider", "apns").count()).isEqualTo(1);
        assertThat(meters.timer(SenderMetrics.REQUEST_TO_CALL, "provider", "apns").count()).isEqualTo(1);
    }

    @Test
    void shouldRetryAfterATransientFailureNoSoonerThanTheComputedDelay() throws Exception {
        // Given
        final ScriptedClient client = new ScriptedClient()
                .answer("d1", new ProviderResult.Transient("503 Service Unavailable", null),
                        new ProviderResult.Sent("m1"));
        start(client);

        // When
        produce(delivery("d1", DeliveryProvider.FCM));

        // Then
        final List<DeliveryStatusChanged> statuses = awaitStatuses("event-d1", DeliveryState.SENT);
        assertThat(statuses).extracting(DeliveryStatusChanged::getState)
                .containsExactly(DeliveryState.RETRYING, DeliveryState.SENT);
        assertThat(statuses.get(0).getLastError()).isEqualTo("503 Service Unavailable");
        assertThat(statuses).extracting(DeliveryStatusChanged::getAttempts).containsExactly(1, 2);
        final NotificationDelivery retry = single(topics.retries().get(0), NotificationDelivery.class);
        assertThat(retry.getAttempt()).isEqualTo(2);
        assertThat(retry.getLastError()).isEqualTo("503 Service Unavailable");
        final List<ScriptedClient.Call> calls = client.calls("d1");
        assertThat(calls).hasSize(2);
        // first wait: 200 ms base, half of it jitter
        assertThat(retry.getNotBefore() - calls.get(0).atMillis()).isBetween(100L, 400L);
        assertThat(calls.get(1).atMillis()).isGreaterThanOrEqualTo(retry.getNotBefore());
    }

    @Test
    void shouldRetryThroughTheTierTopicAndHonourRetryAfter() throws Exception {
        // Given a provider that asks for a second's rest, longer than every tier
        final ScriptedClient client = new ScriptedClient()
                .answer("d1", new ProviderResult.Transient("429 Too Many Requests", Duration.ofSeconds(1)),
                        new ProviderResult.Sent("m1"));
        start(client);

        // When
        produce(delivery("d1", DeliveryProvider.SMS));

        // Then
        awaitStatuses("event-d1", DeliveryState.SENT);
        final List<ScriptedClient.Call> calls = client.calls("d1");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).atMillis() - calls.get(0).atMillis()).isGreaterThanOrEqualTo(1_000L);
        assertThat(single(topics.retries().get(2), NotificationDelivery.class).getAttempt()).isEqualTo(2);
    }

    @Test
    void shouldDeadLetterAfterMaxAttemptsOfTransientFailures() throws Exception {
        // Given
        final ScriptedClient client = new ScriptedClient()
                .answer("d1", new ProviderResult.Transient("connection reset", null));
        start(client);

        // When
        produce(delivery("d1", DeliveryProvider.SMTP));

        // Then
        final List<DeliveryStatusChanged> statuses = awaitStatuses("event-d1", DeliveryState.FAILED);
        assertThat(statuses).extracting(DeliveryStatusChanged::getState)
                .containsExactly(DeliveryState.RETRYING, DeliveryState.RETRYING, DeliveryState.FAILED);
        assertThat(statuses.get(2).getAttempts()).isEqualTo(3);
        assertThat(statuses.get(2).getReason()).isEqualTo("gave up after 3 attempts: connection reset");
        final NotificationDeadLettered letter = single(topics.deadLetters(), NotificationDeadLettered.class);
        assertThat(letter.getReason()).isEqualTo("gave up after 3 attempts: connection reset");
        assertThat(letter.getDelivery().getDeliveryId()).isEqualTo("d1");
        assertThat(letter.getDelivery().getAttempt()).isEqualTo(3);
        Thread.sleep(1_000);
        assertThat(client.calls("d1")).hasSize(SHORT_WAITS.maxAttempts());
        assertThat(meters.counter(SenderMetrics.DELIVERIES, "provider", "smtp", "outcome", "retrying").count())
                .isEqualTo(2.0);
        assertThat(meters.counter(SenderMetrics.DELIVERIES, "provider", "smtp", "outcome", "failed").count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDisableThePushDeviceWhenTheProviderRejectsItsToken() throws Exception {
        // Given
        final ScriptedClient client = new ScriptedClient()
                .answer("d1", new ProviderResult.Permanent("410 Unregistered", true));
        start(client);

        // When
        produce(delivery("d1", DeliveryProvider.APNS));

        // Then
        final DeliveryStatusChanged failed = awaitStatuses("event-d1", DeliveryState.FAILED).get(0);
        assertThat(failed.getReason()).isEqualTo("410 Unregistered");
        final RecipientChange disabled = single(topics.recipients(), RecipientChange.class);
        assertThat(disabled.getKind()).isEqualTo(RecipientChangeKind.DEVICE_DISABLED);
        assertThat(disabled.getEventId()).isEqualTo("disable:d1");
        assertThat(disabled.getUserId()).isEqualTo("user-d1");
        assertThat(disabled.getDeviceId()).isEqualTo("device-d1");
        assertThat(disabled.getToken()).isEqualTo("token-d1");
        assertThat(disabled.getReason()).isEqualTo("410 Unregistered");
        assertThat(single(topics.deadLetters(), NotificationDeadLettered.class).getReason())
                .isEqualTo("410 Unregistered");
        assertThat(client.calls("d1")).hasSize(1);
        assertThat(meters.counter(SenderMetrics.DELIVERIES, "provider", "apns", "outcome", "invalid_address")
                .count()).isEqualTo(1.0);
    }

    @Test
    void shouldReportAProviderWithoutConfigurationAsNotConfigured() throws Exception {
        // Given
        start(new ScriptedClient(), Map.of(DeliveryProvider.SMS, new NotConfiguredClient("no SMS account")));

        // When
        produce(delivery("d1", DeliveryProvider.SMS));
        final NotificationDelivery email = delivery("d2", DeliveryProvider.SMTP);
        produce(email);

        // Then the SMS sender has no provider behind it
        assertThat(awaitStatuses("event-d1", DeliveryState.NOT_CONFIGURED).get(0).getReason())
                .isEqualTo("no SMS account");
        awaitStatuses("event-d2", DeliveryState.SENT);
    }

    @Test
    void shouldNotLetABlockedCallHoldUpTheOthersInItsBatch() throws Exception {
        // Given two deliveries in one batch, the first one's provider call hanging
        final CountDownLatch release = new CountDownLatch(1);
        final ScriptedClient client = new ScriptedClient().block("slow", release);
        produce(delivery("slow", DeliveryProvider.APNS), delivery("fast", DeliveryProvider.APNS));

        // When
        start(client);

        // Then the second call happens while the first is still blocked
        awaitCondition(() -> !client.calls("fast").isEmpty());
        assertThat(client.calls("slow")).hasSize(1);
        assertThat(release.getCount()).isEqualTo(1);
        release.countDown();
        awaitStatuses("event-slow", DeliveryState.SENT);
        awaitStatuses("event-fast", DeliveryState.SENT);
    }

    @Test
    void shouldNotCallAgainDeliveriesWhoseBatchCommittedAfterARestart() throws Exception {
        // Given a delivery sent by a first instance, which then stops
        final ScriptedClient first = new ScriptedClient();
        final NotificationSenders firstSenders = start(first);
        produce(delivery("d1", DeliveryProvider.FCM));
        awaitStatuses("event-d1", DeliveryState.SENT);
        firstSenders.close();

        // When a new instance of the same group starts and another delivery arrives
        final ScriptedClient second = new ScriptedClient();
        start(second);
        produce(delivery("d2", DeliveryProvider.FCM));

        // Then only the new delivery is called
        awaitStatuses("event-d2", DeliveryState.SENT);
        assertThat(first.calls()).extracting(ScriptedClient.Call::deliveryId).containsExactly("d1");
        assertThat(second.calls()).extracting(ScriptedClient.Call::deliveryId).containsExactly("d2");
        assertThat(awaitStatuses("event-d1", DeliveryState.SENT)).hasSize(1);
    }

    @Test
    void shouldDeadLetterAnUnreadableRecordAsItWasAndGoOn() throws Exception {
        // Given
        start(new ScriptedClient());
        final byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);

        // When
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(topics.deliveries(DeliveryProvider.APNS), "user-x", garbage)).get();
        }
        produce(delivery("d1", DeliveryProvider.APNS));

        // Then
        awaitStatuses("event-d1", DeliveryState.SENT);
        final List<ConsumerRecord<String, byte[]>> letters = awaitRecords(topics.rawDeadLetters(), r -> !r.isEmpty());
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.key()).isEqualTo("user-x");
            assertThat(letter.value()).isEqualTo(garbage);
            final Header topic = letter.headers().lastHeader(RawDeadLetter.TOPIC);
            assertThat(new String(topic.value(), StandardCharsets.UTF_8))
                    .isEqualTo(topics.deliveries(DeliveryProvider.APNS));
        });
    }

    private NotificationSenders start(ProviderClient client) {
        return start(client, Map.of());
    }

    /** Senders for every provider, calling {@code client} unless {@code others} has one for the provider. */
    private NotificationSenders start(ProviderClient client, Map<DeliveryProvider, ProviderClient> others) {
        final Map<DeliveryProvider, ProviderClient> clients = new EnumMap<>(DeliveryProvider.class);
        for (DeliveryProvider provider : DeliveryProvider.values()) {
            clients.put(provider, others.getOrDefault(provider, client));
        }
        final NotificationSenders senders =
                new NotificationSenders(clients, config, registry, meters, Clock.systemUTC());
        toClose.add(senders);
        return senders;
    }

    private static NotificationDelivery delivery(String id, DeliveryProvider provider) {
        final NotificationChannel channel = switch (provider) {
            case APNS, FCM -> NotificationChannel.PUSH;
            case SMTP -> NotificationChannel.EMAIL;
            case SMS -> NotificationChannel.SMS;
        };
        return NotificationDelivery.newBuilder()
                .setDeliveryId(id)
                .setEventId("event-" + id)
                .setUserId("user-" + id)
                .setTemplate("welcome")
                .setTemplateVersion(1L)
                .setChannel(channel)
                .setProvider(provider)
                .setDeviceId(channel == NotificationChannel.PUSH ? "device-" + id : null)
                .setAddress("token-" + id)
                .setTitle("Hi")
                .setBody("Hello")
                .setData(Map.of("screen", "home"))
                .setAttempt(1)
                .setNotBefore(0L)
                .setRequestedAt(Instant.now())
                .build();
    }

    private void produce(NotificationDelivery... deliveries) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            for (NotificationDelivery delivery : deliveries) {
                final String topic = topics.deliveries(delivery.getProvider());
                producer.send(new ProducerRecord<>(topic, delivery.getUserId(),
                        deliverySerde.serialize(topic, delivery))).get();
            }
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        final Map<String, Object> props = kafka.clientConfig();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The statuses of {@code eventId}, in order, once one of them is {@code last}. */
    private List<DeliveryStatusChanged> awaitStatuses(String eventId, DeliveryState last) {
        final AvroSerde<DeliveryStatusChanged> serde = AvroSerde.forValue(registry, DeliveryStatusChanged.class);
        final List<DeliveryStatusChanged> statuses = new ArrayList<>();
        awaitRecords(topics.status(), records -> {
            statuses.clear();
            for (ConsumerRecord<String, byte[]> record : records) {
                if (record.key().equals(eventId)) {
                    statuses.add(serde.deserialize(record.topic(), record.value()));
                }
            }
            return statuses.stream().anyMatch(status -> status.getState() == last);
        });
        return statuses;
    }

    private <V extends SpecificRecord> V single(String topic, Class<V> type) {
        final AvroSerde<V> serde = AvroSerde.forValue(registry, type);
        final List<ConsumerRecord<String, byte[]>> records = awaitRecords(topic, found -> !found.isEmpty());
        assertThat(records).hasSize(1);
        return serde.deserialize(topic, records.get(0).value());
    }

    /** Every committed record of {@code topic} once {@code done} holds for them. */
    private List<ConsumerRecord<String, byte[]>> awaitRecords(String topic,
                                                              Predicate<List<ConsumerRecord<String, byte[]>>> done) {
        final Map<String, Object> props = kafka.clientConfig();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                if (done.test(records)) {
                    return records;
                }
            }
        }
        throw new AssertionError("Timed out waiting on " + topic + "; found " + records.size() + " records");
    }

    private static void awaitCondition(BooleanSupplier condition) throws InterruptedException {
        if (!eventually(WAIT, Duration.ofMillis(20), condition::getAsBoolean)) {
            throw new AssertionError("Timed out");
        }
    }
}
