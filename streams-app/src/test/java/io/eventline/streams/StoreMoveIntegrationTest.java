package io.eventline.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class StoreMoveIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Admin admin;
    private KafkaCluster kafka;

    @BeforeEach
    void setUp(KafkaCluster kafka) {
        this.kafka = kafka;
        admin = Admin.create(kafka.clientConfig());
    }

    @AfterEach
    void tearDown() {
        admin.close();
    }

    @Test
    void shouldCopyEachChangelogIntoTheNewApplicationsCarryItsOffsetsAndDeleteTheOldOne(TestNames names)
            throws Exception {
        // Given: an application that kept a compacted store on 2 partitions and read an input up to offset 3 and 1
        final String app = names.applicationId("moving");
        final StoreMove.Plan plan = new StoreMove.Plan(app + "-old", app, List.of("things-store"),
                List.of(names.topic("input")));
        final String input = plan.inputTopics().get(0);
        admin.createTopics(List.of(new NewTopic(plan.from("things-store"), 2, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")), new NewTopic(input, 2, (short) 1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(kafka.clientConfig(),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(plan.from("things-store"), 0, 1_000L, "a", "1"));
            producer.send(new ProducerRecord<>(plan.from("things-store"), 0, 2_000L, "a", "2"));
            producer.send(new ProducerRecord<>(plan.from("things-store"), 1, 3_000L, "b", (String) null));
            for (int i = 0; i < 4; i++) {
                producer.send(new ProducerRecord<>(input, i % 2, "k" + i, "v" + i));
            }
            producer.flush();
        }
        admin.alterConsumerGroupOffsets(plan.fromApplication(), Map.of(new TopicPartition(input, 0),
                new OffsetAndMetadata(2), new TopicPartition(input, 1), new OffsetAndMetadata(1))).all().get();

        // When
        final long copied = new StoreMove(admin, kafka.clientConfig(), TIMEOUT).run(plan);

        // Then: the records are in the new changelog, on their partitions, in order, tombstones included
        assertThat(copied).isEqualTo(3);
        final List<String> moved = new ArrayList<>();
        for (ConsumerRecord<String, String> record : readAll(plan.to("things-store"))) {
            moved.add(record.partition() + ":" + record.key() + "=" + record.value() + "@" + record.timestamp());
        }
        assertThat(moved).containsExactly("0:a=1@1000", "0:a=2@2000", "1:b=null@3000");
        final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, plan.to("things-store"));
        final Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        // and the new application starts on the input where the old one stopped
        final Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(app)
                .partitionsToOffsetAndMetadata().get();
        assertThat(offsets.get(new TopicPartition(input, 0)).offset()).isEqualTo(2);
        assertThat(offsets.get(new TopicPartition(input, 1)).offset()).isEqualTo(1);
        // and the old changelog is gone, so a second start moves nothing
        assertThat(admin.listTopics().names().get()).doesNotContain(plan.from("things-store"));
        assertThat(new StoreMove(admin, kafka.clientConfig(), TIMEOUT).run(plan)).isZero();
        assertThat(readAll(plan.to("things-store"))).hasSize(3);
    }

    @Test
    void shouldMoveNothingWhenTheOldApplicationNeverKeptTheStores(TestNames names) throws Exception {
        final String app = names.applicationId("fresh");
        final StoreMove.Plan plan = new StoreMove.Plan(app + "-old", app, List.of("things-store"), List.of());

        assertThat(new StoreMove(admin, kafka.clientConfig(), TIMEOUT).run(plan)).isZero();
        assertThat(admin.listTopics().names().get()).doesNotContain(plan.to("things-store"));
    }

    private List<ConsumerRecord<String, String>> readAll(String topic) {
        final Map<String, Object> config = new HashMap<>(kafka.clientConfig());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).sorted(
                            (a, b) -> Integer.compare(a.partition(), b.partition())).toList();
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records;
    }
}
