package io.eventline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class TopicSpecTest {

    @Test
    void shouldAddCompactionWithoutLosingOtherSettings() {
        final TopicSpec spec = TopicSpec.of("feed.posts.v1", 6).withConfig("retention.ms", "1000").compacted();

        assertThat(spec.partitions()).isEqualTo(6);
        assertThat(spec.replicationFactor()).isEqualTo(TopicSpec.BROKER_DEFAULT_REPLICATION);
        assertThat(spec.config()).isEqualTo(Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
    }

    @Test
    void shouldRejectIllegalNamesAndCounts() {
        assertThatThrownBy(() -> TopicSpec.of("feed posts", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("..", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("a".repeat(250), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("feed.posts.v1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TopicSpec.of("feed.posts.v1", 1).withReplicationFactor(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldMakeDistinctLegalNamesForEachCall() {
        final TestNames names = TestNames.forTest("should do [things] #1");

        final String first = names.topic("orders");
        final String second = names.topic("orders");

        assertThat(first).isNotEqualTo(second).startsWith("orders-should_do_things_1-");
        assertThat(first).matches("[a-zA-Z0-9._-]+");
    }
}
