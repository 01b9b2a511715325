package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class EmbeddedKafkaBrokerIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverProducedRecordsToConsumer(KafkaCluster kafka, TestNames names) throws Exception {
        // Given
        final String topic = names.topic("greetings");
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka.bootstrapServers())) {
            provisioner.ensureTopics(TopicSpec.of(topic, 2));
        }

        // When
        try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
            producer.send(new ProducerRecord<>(topic, "alice", "hello")).get();
            producer.send(new ProducerRecord<>(topic, "bob", "hi")).get();
        }

        // Then
        final List<ConsumerRecord<String, String>> records =
                consume(kafka.bootstrapServers(), topic, names.groupId("reader"), 2);
        assertThat(records)
                .extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactlyInAnyOrder(
                        tuple("alice", "hello"),
                        tuple("bob", "hi"));
    }

    @Test
    void shouldKeepRecordsAndClusterIdAcrossRestartOnSameDirectory(@TempDir Path dataDir) throws Exception {
        // Given a record written before a clean shutdown
        final String topic = "restart-check";
        final String clusterIdBefore;
        final RecordMetadata written;
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir).start()) {
            clusterIdBefore = broker.clusterId();
            try (TopicProvisioner provisioner = TopicProvisioner.connect(broker.bootstrapServers())) {
                provisioner.ensureTopics(TopicSpec.of(topic, 1));
            }
            try (KafkaProducer<String, String> producer = producer(broker.bootstrapServers())) {
                written = producer.send(new ProducerRecord<>(topic, "key", "survives restarts")).get();
            }
        }

        // When a new broker starts on the same directory
        try (EmbeddedKafkaBroker restarted = new EmbeddedKafkaBroker(dataDir).start()) {

            // Then the cluster and the record are still there
            assertThat(restarted.clusterId()).isEqualTo(clusterIdBefore);
            try (TopicProvisioner provisioner = TopicProvisioner.connect(restarted.bootstrapServers())) {
                assertThat(provisioner.ensureTopics(TopicSpec.of(topic, 1))).isEmpty();
            }
            final List<ConsumerRecord<String, String>> records =
                    consume(restarted.bootstrapServers(), topic, "restart-reader", 1);
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.offset()).isEqualTo(written.offset());
                assertThat(record.value()).isEqualTo("survives restarts");
            });
        }
    }

    @Test
    void shouldRestartSameInstanceOnItsPreviousPort(@TempDir Path dataDir) {
        // Given
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir).start()) {
            final String before = broker.bootstrapServers();

            // When
            broker.close();
            assertThat(broker.isRunning()).isFalse();
            broker.start();

            // Then
            assertThat(broker.bootstrapServers()).isEqualTo(before);
        }
    }

    @Test
    void shouldRefuseToCreateATopicThatAProducerNames(@TempDir Path dir) throws Exception {
        // Given a broker of its own, on a directory that does not exist yet
        final Path dataDir = dir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir).start();
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                     ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000),
                     new StringSerializer(), new StringSerializer());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     broker.bootstrapServers()))) {

            // When a producer writes to a name no one created
            final Future<RecordMetadata> sent = producer.send(new ProducerRecord<>("typo.posts.v1", "key", "lost"));

            // Then the send fails, no topic appears, and the broker's directory is its owner's alone
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOfAny(TimeoutException.class, UnknownTopicOrPartitionException.class);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain("typo.posts.v1");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
                    .isEqualTo("rwx------");
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> consume(String bootstrapServers, String topic,
                                                                String groupId, int expected) {
        final Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Test
    void shouldHoldTheTransactionStateTopicOnceStarted(@TempDir Path dataDir) throws Exception {
        // Given a broker on a fresh directory
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir).start();
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {

            // When its topics are listed right after start, before any transactional producer came
            final Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            // Then the transaction state is already there
            assertThat(topics).contains(Topic.TRANSACTION_STATE_TOPIC_NAME);
        }
    }
}
