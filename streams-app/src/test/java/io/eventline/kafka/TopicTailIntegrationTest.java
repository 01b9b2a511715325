package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class TopicTailIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private KafkaCluster kafka;
    private KafkaProducer<String, byte[]> producer;
    private String topic;

    @BeforeEach
    void setUp(KafkaCluster kafka, TestNames names) {
        this.kafka = kafka;
        this.topic = names.topic("tailed");
        try (Admin admin = Admin.create(kafka.clientConfig());
             TopicProvisioner provisioner = new TopicProvisioner(admin)) {
            provisioner.ensureTopics(TopicSpec.of(topic, 2));
        }
        producer = new KafkaProducer<>(kafka.clientConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() {
        producer.close();
    }

    @Test
    void shouldReadOnlyWhatIsAppendedToItsPartitionsAfterItStarted() throws Exception {
        // Given a record already in partition 0, and a tail of partition 0 alone
        send(0, "before");
        final RecordingReader reader = new RecordingReader(Set.of(new TopicPartition(topic, 0)));
        try (TopicTail tail = new TopicTail(kafka.clientConfig(), "tail-test", TopicTail.Isolation.READ_COMMITTED,
                Duration.ofMillis(100), reader)) {
            assertThat(tail.start(WAIT)).isTrue();

            // When records go to both partitions
            send(1, "elsewhere");
            send(0, "after");

            // Then the tail reads the new record of its partition, and only that
            final ConsumerRecord<String, byte[]> read = reader.records.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(read).isNotNull();
            assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo("after");
            assertThat(reader.counts).isEqualTo(Map.of(topic, 2));
            assertThat(tail.partitionsRead(topic)).isEqualTo(1);
            assertThat(reader.records.poll(500, TimeUnit.MILLISECONDS)).isNull();
        }
        assertThat(reader.stoppedBy).isEqualTo(List.of("closed"));
    }

    @Test
    void shouldReadAPartitionTakenOnLaterFromItsEnd() throws Exception {
        // Given a tail that reads nothing yet, and a record already in partition 1
        final RecordingReader reader = new RecordingReader(Set.of());
        send(1, "before");
        try (TopicTail tail = new TopicTail(kafka.clientConfig(), "tail-test-later",
                TopicTail.Isolation.READ_UNCOMMITTED, Duration.ofMillis(100), reader)) {
            assertThat(tail.start(WAIT)).isTrue();

            // When partition 1 is taken on and, once positioned, a record is appended to it
            reader.wanted = Set.of(new TopicPartition(topic, 1));
            tail.wakeup();
            assertThat(reader.positioned.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            send(1, "after");

            // Then only the record appended after it was taken on is read
            final ConsumerRecord<String, byte[]> read = reader.records.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(read).isNotNull();
            assertThat(new String(read.value(), StandardCharsets.UTF_8)).isEqualTo("after");
            assertThat(tail.partitionsRead(topic)).isEqualTo(1);
        }
    }

    private void send(int partition, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, partition, "key", value.getBytes(StandardCharsets.UTF_8))).get();
    }

    private final class RecordingReader implements TopicTail.Reader {
        final BlockingQueue<ConsumerRecord<String, byte[]>> records = new LinkedBlockingQueue<>();
        final BlockingQueue<Boolean> positioned = new LinkedBlockingQueue<>();
        final List<String> stoppedBy = new CopyOnWriteArrayList<>();
        volatile Map<String, Integer> counts;
        volatile Set<TopicPartition> wanted;

        RecordingReader(Set<TopicPartition> wanted) {
            this.wanted = wanted;
        }

        @Override
        public List<String> topics() {
            return List.of(topic);
        }

        @Override
        public void partitionCounts(Map<String, Integer> counts) {
            this.counts = counts;
        }

        @Override
        public Set<TopicPartition> partitions() {
            return wanted;
        }

        @Override
        public void positioned(Set<TopicPartition> unpositioned) {
            if (!wanted.isEmpty() && unpositioned.isEmpty()) {
                positioned.add(true);
            }
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            records.add(record);
        }

        @Override
        public void stopped(RuntimeException failure) {
            stoppedBy.add(failure == null ? "closed" : failure.toString());
        }
    }
}
