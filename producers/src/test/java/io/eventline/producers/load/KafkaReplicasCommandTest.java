package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

class KafkaReplicasCommandTest {
    private static final Node ONE = new Node(1, "127.0.0.1", 22901);
    private static final Node TWO = new Node(2, "127.0.0.1", 22902);
    private static final Node THREE = new Node(3, "127.0.0.1", 22903);

    @Test
    void shouldCountPartitionsOutOfSyncBelowMinInsyncAndWithoutALeader() {
        // Given a topic with one partition fully in sync, one missing a replica, one down to a single replica and
        // leaderless one
        final TopicDescription topic = new TopicDescription("t", false, List.of(
                new TopicPartitionInfo(0, ONE, List.of(ONE, TWO, THREE), List.of(ONE, TWO, THREE)),
                new TopicPartitionInfo(1, ONE, List.of(ONE, TWO, THREE), List.of(ONE, THREE)),
                new TopicPartitionInfo(2, THREE, List.of(ONE, TWO, THREE), List.of(THREE)),
                new TopicPartitionInfo(3, null, List.of(ONE, TWO, THREE), List.of())));

        // When
        final KafkaReplicasCommand.Standing standing = KafkaReplicasCommand.Standing.of(List.of(topic), 2);

        // Then
        assertThat(standing).isEqualTo(new KafkaReplicasCommand.Standing(4, 3, 2, 1));
        assertThat(standing.describe())
                .isEqualTo("partitions 4, under-replicated 3, below min.insync 2, without a leader 1");
    }

    @Test
    void shouldNotCountASingleReplicaTopicAsBelowMinInsync() {
        final TopicDescription topic = new TopicDescription("solo", false,
                List.of(new TopicPartitionInfo(0, ONE, List.of(ONE), List.of(ONE))));

        assertThat(KafkaReplicasCommand.Standing.of(List.of(topic), 2))
                .isEqualTo(new KafkaReplicasCommand.Standing(1, 0, 0, 0));
    }
}
