package io.eventline.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.kafka.TopicProvisioner;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.registry.client.SchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import io.eventline.serde.Json;
import io.eventline.serde.WireFormat;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class WorkerLeaseIntegrationTest {

    private static final Duration TTL = Duration.ofSeconds(30);
    private static final int DATACENTER = 2;
    private static final int WORKER = 7;

    private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T12:00:00Z"));
    private final List<WorkerLease> leases = new ArrayList<>();
    private final SchemaRegistryClient registry = new InMemorySchemaRegistry();
    private KafkaCluster kafka;
    private String topic;

    @BeforeEach
    void setUp(KafkaCluster kafka, TestNames names) {
        this.kafka = kafka;
        this.topic = names.topic("worker-leases");
    }

    @AfterEach
    void tearDown() {
        leases.forEach(WorkerLease::close);
    }

    @Test
    void shouldRefuseSecondInstanceWithSamePair() {
        // Given
        final WorkerLease first = lease("instance-a");
        final Instant expiry = first.acquire();

        // When / Then
        final WorkerLease second = lease("instance-b");
        assertThatThrownBy(second::acquire)
                .isInstanceOfSatisfying(WorkerIdConflictException.class, e -> {
                    assertThat(e.holder()).isEqualTo("instance-a");
                    assertThat(e.expiresAt()).contains(expiry);
                })
                .hasMessageContaining("instance-a")
                .hasMessageContaining(expiry.toString())
                .hasMessageContaining(WorkerLease.WORKER_ID_ENV);
        assertThat(first.isHeld()).isTrue();
        assertThat(second.isHeld()).isFalse();
    }

    @Test
    void shouldLetOtherPairsBeLeasedAlongside() {
        // Given
        lease("instance-a").acquire();

        // When
        final WorkerLease otherWorker = new WorkerLease(kafka.clientConfig(), topic, registry, Json.mapper(),
                "instance-b", DATACENTER, WORKER + 1, TTL, clock);
        leases.add(otherWorker);
        otherWorker.acquire();

        // Then
        assertThat(otherWorker.isHeld()).isTrue();
    }

    @Test
    void shouldLetSameInstanceReacquireAfterCrash() {
        // Given an instance that died without closing its lease
        final WorkerLease crashed = lease("instance-a");
        crashed.acquire();

        // When it restarts under the same instance ID
        final WorkerLease restarted = lease("instance-a");
        restarted.acquire();

        // Then it holds the pair, and the stale lease gives way rather than releasing it
        assertThat(restarted.isHeld()).isTrue();
        final AtomicBoolean lost = new AtomicBoolean();
        crashed.onLost(() -> lost.set(true));
        crashed.renewNow();
        assertThat(lost).isTrue();
        assertThat(crashed.isHeld()).isFalse();
        crashed.close();
        assertThatThrownBy(lease("instance-b")::acquire).isInstanceOf(WorkerIdConflictException.class);
    }

    @Test
    void shouldTakeALostLeaseBackOnlyOnceItsNewHolderLetsItGo() {
        // Given a lease lost to another process under the same instance ID
        final WorkerLease older = lease("instance-a");
        older.acquire();
        final WorkerLease newer = lease("instance-a");
        newer.acquire();
        final AtomicBoolean lost = new AtomicBoolean();
        older.onLost(() -> lost.set(true));
        older.renewNow();
        assertThat(lost).isTrue();

        // When the older one asks for it again, it is refused while the newer one holds it
        assertThatThrownBy(older::acquire).isInstanceOf(WorkerIdConflictException.class);
        assertThat(older.isHeld()).isFalse();
        assertThat(newer.isHeld()).isTrue();

        // Then it takes it back once the newer one released it
        newer.close();
        older.acquire();
        assertThat(older.isHeld()).isTrue();
    }

    @Test
    void shouldLetAnotherInstanceAcquireAfterClose() {
        // Given
        final WorkerLease first = lease("instance-a");
        first.acquire();

        // When
        first.close();

        // Then
        final WorkerLease second = lease("instance-b");
        second.acquire();
        assertThat(second.isHeld()).isTrue();
    }

    @Test
    void shouldLetAnotherInstanceAcquireAfterExpiry() {
        // Given an instance that stopped renewing
        final WorkerLease stalled = lease("instance-a");
        stalled.acquire();

        // When the lease runs out
        clock.advance(TTL.plusMillis(1));

        // Then another instance takes it, and the stalled one finds out at its next renewal
        assertThat(stalled.isHeld()).isFalse();
        final WorkerLease successor = lease("instance-b");
        successor.acquire();
        assertThat(successor.isHeld()).isTrue();

        final AtomicBoolean lost = new AtomicBoolean();
        stalled.onLost(() -> lost.set(true));
        stalled.renewNow();
        assertThat(lost).isTrue();
        stalled.close();
        assertThatThrownBy(lease("instance-c")::acquire)
                .isInstanceOfSatisfying(WorkerIdConflictException.class,
                        e -> assertThat(e.holder()).isEqualTo("instance-b"));
    }

    @Test
    void shouldLetExactlyOneOfRacingInstancesWin() throws Exception {
        // Given
        final int racers = 4;
        final List<WorkerLease> contenders = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            contenders.add(lease("racer-" + i));
        }
        final ExecutorService pool = Executors.newFixedThreadPool(racers);
        final CountDownLatch start = new CountDownLatch(1);

        // When
        final List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            for (WorkerLease contender : contenders) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        contender.acquire();
                        return true;
                    } catch (WorkerIdConflictException e) {
                        return false;
                    }
                }));
            }
            start.countDown();

            // Then
            int winners = 0;
            for (Future<Boolean> outcome : outcomes) {
                winners += outcome.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(contenders).filteredOn(WorkerLease::isHeld).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldExtendExpiryOnRenewal() {
        // Given
        final WorkerLease held = lease("instance-a");
        final Instant firstExpiry = held.acquire();

        // When
        clock.advance(Duration.ofSeconds(20));
        held.renewNow();

        // Then
        assertThat(held.expiresAt()).isEqualTo(firstExpiry.plusSeconds(20));
        clock.advance(Duration.ofSeconds(20));
        assertThat(held.isHeld()).isTrue();
        assertThatThrownBy(lease("instance-b")::acquire).isInstanceOf(WorkerIdConflictException.class);
    }

    @Test
    void shouldTryAFailedRenewalAgainSoonEnoughToKeepTheLease() throws Exception {
        // Given a lease of 3 s, renewed every second, whose next three renewals cannot read the registry
        final AtomicInteger failuresLeft = new AtomicInteger();
        final SchemaRegistryClient flaky = new SchemaRegistryClient() {
            @Override
            public int register(String subject, org.apache.avro.Schema schema) {
                return registry.register(subject, schema);
            }

            @Override
            public org.apache.avro.Schema schemaById(int id) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("registry out of reach");
                }
                return registry.schemaById(id);
            }
        };
        final WorkerLease held = new WorkerLease(kafka.clientConfig(), topic, flaky, Json.mapper(), "instance-a",
                DATACENTER, WORKER, Duration.ofSeconds(3), InstantSource.system());
        leases.add(held);
        final Instant firstExpiry = held.acquire();
        failuresLeft.set(3);

        // When four seconds pass: waiting a whole period after each failure would let it expire at 3 s
        boolean heldThroughout = true;
        final long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
        while (System.nanoTime() < until) {
            heldThroughout &= held.isHeld();
            Thread.sleep(50);
        }

        // Then
        assertThat(failuresLeft.get()).as("the three failures happened").isNegative();
        assertThat(heldThroughout).isTrue();
        assertThat(held.expiresAt()).isAfter(firstExpiry);
    }

    @Test
    void shouldHonourALeaseWrittenInJsonByAnEarlierVersionAndRewriteItInAvroOnRenewal() throws Exception {
        // Given a live lease of instance-a as an earlier version wrote it, in JSON
        final Instant expiry = clock.instant().plus(TTL);
        try (TopicProvisioner topics = TopicProvisioner.connect(kafka.clientConfig())) {
            topics.ensureTopics(WorkerLease.topicSpec(topic));
        }
        try (KafkaProducer<String, String> old = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(),
                new StringSerializer())) {
            old.send(new ProducerRecord<>(topic, 0, WorkerLease.key(DATACENTER, WORKER),
                    "{\"holder\":\"instance-a\",\"incarnation\":\"" + UUID.randomUUID() + "\",\"expiresAt\":\""
                            + expiry + "\",\"basedOn\":0}")).get(30, TimeUnit.SECONDS);
        }

        // When another instance asks for the pair, then instance-a restarts and renews
        final WorkerLease other = lease("instance-b");
        final WorkerLease restarted = lease("instance-a");

        // Then the other is refused as before, instance-a takes its own lease back, and its record is now Avro
        assertThatThrownBy(other::acquire)
                .isInstanceOfSatisfying(WorkerIdConflictException.class, e -> {
                    assertThat(e.holder()).isEqualTo("instance-a");
                    assertThat(e.expiresAt()).contains(expiry);
                });
        restarted.acquire();
        clock.advance(Duration.ofSeconds(10));
        restarted.renewNow();
        assertThat(restarted.isHeld()).isTrue();
        final List<ConsumerRecord<String, byte[]>> records = readAll();
        final ConsumerRecord<String, byte[]> newest = records.get(records.size() - 1);
        assertThat(newest.key()).isEqualTo(WorkerLease.key(DATACENTER, WORKER));
        assertThat(newest.value()[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        final WorkerLeaseClaim claim = AvroSerde.forValue(registry, WorkerLeaseClaim.class)
                .deserialize(topic, newest.value());
        assertThat(claim.getHolder()).isEqualTo("instance-a");
        assertThat(claim.getExpiresAt()).isEqualTo(restarted.expiresAt());
        assertThat(IdsTopics.WORKER_LEASES.keyOf(claim)).isEqualTo(newest.key());
    }

    @Test
    void shouldWriteOnlyRecordsAConfluentStyleReaderDecodes() {
        // Given an instance that took, renewed and released its lease
        final WorkerLease held = lease("instance-a");
        held.acquire();
        clock.advance(Duration.ofSeconds(10));
        held.renewNow();
        held.close();

        // When a reader that knows nothing of leases decodes the topic through the registry
        final AvroSerde<GenericContainer> reader = AvroSerde.generic(registry, false);
        final List<ConsumerRecord<String, byte[]>> records = readAll();

        // Then every claim decodes, and the release is a tombstone
        assertThat(records).hasSizeGreaterThanOrEqualTo(3);
        for (ConsumerRecord<String, byte[]> record : records.subList(0, records.size() - 1)) {
            final GenericRecord claim = (GenericRecord) reader.deserialize(topic, record.value());
            assertThat(claim.get("holder")).hasToString("instance-a");
        }
        assertThat(records.get(records.size() - 1).value()).isNull();
    }

    /** Every record of the lease topic, oldest first. */
    private List<ConsumerRecord<String, byte[]>> readAll() {
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            final long end = consumer.endOffsets(Set.of(partition)).get(partition);
            final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private WorkerLease lease(String instanceId) {
        final WorkerLease lease = new WorkerLease(kafka.clientConfig(), topic, registry, Json.mapper(), instanceId,
                DATACENTER, WORKER, TTL, clock);
        leases.add(lease);
        return lease;
    }

    /** A clock that only moves when told to. */
    private static final class ManualClock implements InstantSource {
        private volatile Instant now;

        ManualClock(Instant start) {
            this.now = start;
        }

        void advance(Duration delta) {
            now = now.plus(delta);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
