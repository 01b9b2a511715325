package io.eventline.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.InstantSource;

import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.registry.client.SchemaRegistryClient;
import org.junit.jupiter.api.Test;

class WorkerLeaseTest {

    private static final String NO_BROKER = "localhost:1";
    private static final SchemaRegistryClient REGISTRY = new InMemorySchemaRegistry();

    @Test
    void shouldRejectPairsOutsideSnowflakeRange() {
        assertThatThrownBy(() -> new WorkerLease(NO_BROKER, REGISTRY, "a", 32, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerLease(NO_BROKER, REGISTRY, "a", 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectBlankInstanceIdAndNonPositiveTtl() {
        assertThatThrownBy(() -> new WorkerLease(NO_BROKER, REGISTRY, " ", 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerLease(NO_BROKER, REGISTRY, "a", 0, 0, Duration.ZERO, InstantSource.system()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeyLeasesByDatacenterAndWorker() {
        assertThat(WorkerLease.key(3, 17)).isEqualTo("3-17");
    }

    @Test
    void shouldDescribeCompactedSinglePartitionTopic() {
        assertThat(WorkerLease.topicSpec(WorkerLease.TOPIC).partitions()).isEqualTo(1);
        assertThat(WorkerLease.topicSpec(WorkerLease.TOPIC).config()).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void shouldNotBeHeldBeforeAcquire() {
        final WorkerLease lease = new WorkerLease(NO_BROKER, REGISTRY, "a", 0, 0);

        assertThat(lease.isHeld()).isFalse();
        assertThat(lease.expiresAt()).isNull();
        lease.close();
    }
}
