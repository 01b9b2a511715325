package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lag of consumer groups on a real broker, as Prometheus scrapes it. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ConsumerGroupLagTest {
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private Admin admin;
    private ConsumerGroupLag lag;

    @BeforeEach
    void connect(KafkaCluster kafka) {
        admin = Admin.create(kafka.clientConfig());
        // caps far above the groups a shared test broker holds: every group of a test is seen
        lag = new ConsumerGroupLag(admin, "no-group-is-own", meters, Clock.systemUTC(),
                new ConsumerGroupLag.Limits(100_000, 1_000_000, ConsumerGroupLag.STEP, ConsumerGroupLag.WINDOW),
                Executors.newSingleThreadScheduledExecutor());
    }

    @AfterEach
    void close() {
        lag.close();
        admin.close();
    }

    @Test
    void shouldShowTheGrowingLagOfAStoppedGroupAndForgetItOnceDeleted(KafkaCluster kafka, TestNames names)
            throws Exception {
        // Given: a group that read and committed 3 records of a topic, then stopped
        final String topic = names.topic("lag");
        final String group = names.groupId("stopped");
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        produce(kafka, topic, 3);
        consumeAndCommitAll(kafka, topic, group);
        lag.sample();
        assertThat(series(group)).containsExactlyInAnyOrder(
                lagLine(group, topic, 0, 0), lagLine(group, topic, 1, 0));
        assertThat(scrape()).contains("eventline_consumer_group_members{group=\"" + group + "\"} 0.0");

        // When: more records arrive while it is stopped
        produce(kafka, topic, 5);
        lag.sample();

        // Then: the lag grows by what arrived, per partition and in total, and the history holds both samples
        assertThat(series(group)).hasSize(2).allSatisfy(line -> assertThat(line).startsWith(
                "eventline_consumer_group_lag_records{group=\"" + group + "\""));
        assertThat(totalScraped(group)).isEqualTo(5);
        final ConsumerGroupLag.GroupLag seen = group(group).orElseThrow();
        assertThat(seen.total()).isEqualTo(5);
        assertThat(seen.members()).isZero();
        assertThat(seen.history()).hasSize(2);
        assertThat(seen.history().get(0)[1]).isZero();
        assertThat(seen.history().get(1)[1]).isEqualTo(5);

        // When: the group is deleted
        admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
        lag.sample();

        // Then: its series are gone rather than frozen at their last value
        assertThat(series(group)).isEmpty();
        assertThat(scrape()).doesNotContain("group=\"" + group + "\"");
        assertThat(group(group)).isEmpty();
    }

    @Test
    void shouldKeepTheMostLaggingGroupsWithinTheCaps(KafkaCluster kafka, TestNames names) throws Exception {
        // Given: caps of one group and one partition series, and two stopped groups with different lag
        lag.close();
        lag = new ConsumerGroupLag(admin, "no-group-is-own", meters, Clock.systemUTC(),
                new ConsumerGroupLag.Limits(1, 1, ConsumerGroupLag.STEP, ConsumerGroupLag.WINDOW),
                Executors.newSingleThreadScheduledExecutor());
        final String topic = names.topic("capped");
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
        produce(kafka, topic, 4);
        final String behind = names.groupId("behind");
        final String caughtUp = names.groupId("caught-up");
        admin.alterConsumerGroupOffsets(behind, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0),
                new TopicPartition(topic, 1), new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);
        consumeAndCommitAll(kafka, topic, caughtUp);

        // When
        lag.sample();

        // Then: only the most lagging group is kept, with a single series: its most lagging partition
        assertThat(lag.view().groups()).hasSize(1);
        assertThat(lag.view().groups().get(0).group()).isNotEqualTo(caughtUp);
        assertThat(scrape().lines().filter(line -> line.startsWith("eventline_consumer_group_lag_records{")))
                .hasSize(1);
        assertThat(scrape()).doesNotContain("group=\"" + caughtUp + "\"");

        // When: the caught-up group is the cluster's own
        lag.close();
        lag = new ConsumerGroupLag(admin, caughtUp, meters, Clock.systemUTC(),
                new ConsumerGroupLag.Limits(1, 1, ConsumerGroupLag.STEP, ConsumerGroupLag.WINDOW),
                Executors.newSingleThreadScheduledExecutor());
        lag.sample();

        // Then: it is kept before any more lagging group of others
        assertThat(lag.view().groups()).extracting(ConsumerGroupLag.GroupLag::group).containsExactly(caughtUp);
        assertThat(series(caughtUp)).hasSize(1);
    }

    private Optional<ConsumerGroupLag.GroupLag> group(String group) {
        return lag.view().groups().stream().filter(g -> g.group().equals(group)).findFirst();
    }

    private String scrape() {
        return meters.scrape();
    }

    private List<String> series(String group) {
        return scrape().lines().filter(line -> line.startsWith("eventline_consumer_group_lag_records{")
                && line.contains("group=\"" + group + "\"")).toList();
    }

    private long totalScraped(String group) {
        return series(group).stream().mapToLong(line -> (long) Double.parseDouble(line.substring(
                line.lastIndexOf(' ') + 1))).sum();
    }

    private static String lagLine(String group, String topic, int partition, long lag) {
        return "eventline_consumer_group_lag_records{group=\"" + group + "\",partition=\"" + partition
                + "\",topic=\"" + topic + "\"} " + (double) lag;
    }

    private static void produce(KafkaCluster kafka, String topic, int count) throws Exception {
        final Map<String, Object> config = kafka.clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static void consumeAndCommitAll(KafkaCluster kafka, String topic, String group) {
        final Map<String, Object> config = kafka.clientConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            final List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0),
                    new TopicPartition(topic, 1));
            consumer.assign(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            ends.forEach((partition, end) -> consumer.seek(partition, end));
            consumer.commitSync(Map.of(partitions.get(0), new OffsetAndMetadata(ends.get(partitions.get(0))),
                    partitions.get(1), new OffsetAndMetadata(ends.get(partitions.get(1)))));
        }
    }
}
