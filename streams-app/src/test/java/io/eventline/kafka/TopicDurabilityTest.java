package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicDurabilityTest {

    @Test
    void shouldGiveOneReplicaAndNoInSyncMinimumOnASingleBroker() {
        // when
        final TopicDurability durability = TopicDurability.decide(Optional.empty(), 1, false);

        // then
        assertThat(durability.replicationFactor()).isEqualTo((short) 1);
        assertThat(durability.topicConfig()).isEmpty();
    }

    @Test
    void shouldReplicateOnBothBrokersOfATwoBrokerClusterWithoutAnInSyncMinimum() {
        // when
        final TopicDurability durability = TopicDurability.decide(Optional.empty(), 2, false);

        // then
        assertThat(durability.replicationFactor()).isEqualTo((short) 2);
        assertThat(durability.topicConfig()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void shouldReplicateThreeTimesWithTwoInSyncFromThreeBrokersOn() {
        for (int brokers : new int[] {3, 4, 9}) {
            // when
            final TopicDurability durability = TopicDurability.decide(Optional.empty(), brokers, false);

            // then
            assertThat(durability.replicationFactor()).as("%d brokers", brokers).isEqualTo((short) 3);
            assertThat(durability.topicConfig()).as("%d brokers", brokers)
                    .isEqualTo(Map.of("min.insync.replicas", "2"));
        }
    }

    @Test
    void shouldTakeTheConfiguredFactorOverTheBrokerCount() {
        // when
        final TopicDurability five = TopicDurability.decide(Optional.of((short) 5), 6, false);
        final TopicDurability two = TopicDurability.decide(Optional.of((short) 2), 4, false);

        // then
        assertThat(five.replicationFactor()).isEqualTo((short) 5);
        assertThat(five.topicConfig()).containsEntry("min.insync.replicas", "2");
        assertThat(two.replicationFactor()).isEqualTo((short) 2);
    }

    @Test
    void shouldNotAskTwoInSyncReplicasOfTopicsThatHaveOne() {
        // given a single replica configured on a large cluster: min.insync.replicas=2 would refuse every write
        // when
        final TopicDurability durability = TopicDurability.decide(Optional.of((short) 1), 5, false);

        // then
        assertThat(durability.replicationFactor()).isEqualTo((short) 1);
        assertThat(durability.topicConfig()).doesNotContainKey("min.insync.replicas");
    }

    @Test
    void shouldRefuseAFactorLargerThanTheCluster() {
        assertThatThrownBy(() -> TopicDurability.decide(Optional.of((short) 3), 1, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EVENTLINE_TOPIC_REPLICATION_FACTOR is 3")
                .hasMessageContaining("1 broker");
    }

    @Test
    void shouldFlushEachMessageOnlyWhenAsked() {
        // when
        final TopicDurability flushed = TopicDurability.decide(Optional.empty(), 3, true);
        final TopicDurability cached = TopicDurability.decide(Optional.empty(), 3, false);

        // then
        assertThat(flushed.topicConfig()).containsEntry("flush.messages", "1");
        assertThat(cached.topicConfig()).doesNotContainKey("flush.messages");
    }

    @Test
    void shouldApplyItsFactorAndConfigsToASpecKeepingTheSpecsOwn() {
        // given
        final TopicSpec spec = TopicSpec.of("feed.posts.v1", 6).compacted();

        // when
        final TopicSpec applied = TopicDurability.decide(Optional.empty(), 3, true).apply(spec);

        // then
        assertThat(applied.replicationFactor()).isEqualTo((short) 3);
        assertThat(applied.partitions()).isEqualTo(6);
        assertThat(applied.config()).isEqualTo(Map.of("cleanup.policy", "compact", "min.insync.replicas", "2",
                "flush.messages", "1"));
    }
}
