package io.eventline.streams;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.TestNames;
import io.eventline.platform.EventlineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chapter 5's promise, as the sticky assignor ({@code EVENTLINE_TASK_ASSIGNOR=sticky}) keeps it: a third instance
 * joining two takes its share of the tasks, about 1/3, and every other task stays where its state is.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class TaskAssignmentIntegrationTest {
    private static final int PARTITIONS = 12;
    private static final Duration SETTLE = Duration.ofSeconds(90);
    private static final Duration STABLE_FOR = Duration.ofSeconds(4);

    @TempDir
    Path dataDir;

    private final List<KafkaStreams> instances = new ArrayList<>();

    @AfterEach
    void closeInstances() {
        instances.forEach(streams -> streams.close(Duration.ofSeconds(10)));
    }

    @Test
    void shouldMoveOnlyTheNewInstancesShareOfTheTasksWhenAThirdJoinsTwoUnderTheStickyAssignor(KafkaCluster kafka, TestNames names)
            throws Exception {
        // Given: two instances sharing a stateful topology of 12 partitions, assigned sticky
        final String topic = names.topic("counted");
        try (Admin admin = Admin.create(kafka.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
        final String applicationId = names.applicationId("assignment");
        start(kafka, applicationId, topic, "instance-a", 17001);
        start(kafka, applicationId, topic, "instance-b", 17002);
        final Map<TaskId, String> before = settledAssignment(2);

        // When: a third instance joins
        start(kafka, applicationId, topic, "instance-c", 17003);
        final Map<TaskId, String> after = settledAssignment(3);

        // Then: the tasks that moved all went to the newcomer, and they are its fair share, not two in three
        final List<TaskId> moved = before.keySet().stream()
                .filter(task -> !before.get(task).equals(after.get(task))).toList();
        assertThat(moved).as("tasks that moved").allSatisfy(task ->
                assertThat(after.get(task)).isEqualTo("localhost:17003"));
        assertThat(moved).as("tasks moved of %d (hash %% n would move 8)", PARTITIONS)
                .hasSizeBetween(PARTITIONS / 3, PARTITIONS / 3 + 1);
    }

    private void start(KafkaCluster kafka, String applicationId, String topic, String instanceId, int port) {
        final EventlineConfig config = EventlineConfig.load(Map.of(
                "EVENTLINE_DATA_DIR", dataDir.toString(),
                "EVENTLINE_INSTANCE_ID", instanceId,
                "EVENTLINE_APPLICATION_ID", applicationId,
                "EVENTLINE_ADVERTISED_URL", "http://localhost:" + port,
                "EVENTLINE_TASK_ASSIGNOR", "sticky"));
        final Properties props = StreamsSettings.of(config, kafka.bootstrapServers());
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.as("counts-store"));
        final KafkaStreams streams = new KafkaStreams(builder.build(), props);
        instances.add(streams);
        streams.start();
    }

    /** Each task's active host, once every instance runs, all tasks are placed and nothing changed for a while. */
    private Map<TaskId, String> settledAssignment(int expectedInstances) throws Exception {
        final Map<TaskId, String> previous = new HashMap<>();
        final long[] unchangedSince = {System.nanoTime()};
        final boolean settled = eventually(SETTLE, Duration.ofMillis(250), () -> {
            final Map<TaskId, String> current = assignment();
            final boolean complete = current.size() == PARTITIONS
                    && current.values().stream().distinct().count() == expectedInstances
                    && instances.stream().allMatch(streams -> streams.state() == KafkaStreams.State.RUNNING);
            if (!complete || !current.equals(previous)) {
                previous.clear();
                previous.putAll(current);
                unchangedSince[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - unchangedSince[0] >= STABLE_FOR.toNanos();
        });
        assertThat(settled).as("assignment over %d instances settled; last seen %s", expectedInstances, previous)
                .isTrue();
        return new TreeMap<>(previous);
    }

    private Map<TaskId, String> assignment() {
        final Map<TaskId, String> owners = new HashMap<>();
        for (KafkaStreams streams : instances) {
            if (streams.state() != KafkaStreams.State.RUNNING) {
                continue;
            }
            for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
                final String host = metadata.hostInfo().host() + ":" + metadata.hostInfo().port();
                metadata.topicPartitions().forEach(partition ->
                        owners.put(new TaskId(0, partition.partition()), host));
            }
            break;
        }
        return owners;
    }
}
