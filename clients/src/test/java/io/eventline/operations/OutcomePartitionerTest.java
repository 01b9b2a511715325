package io.eventline.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.ids.SnowflakeIdGenerator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class OutcomePartitionerTest {
    private final OutcomePartitioner partitioner = new OutcomePartitioner();

    @Test
    void shouldPlaceTheOutcomeOfAMintedEventOnItsWorkersPartition() {
        for (int workerId : List.of(0, 1, 2, 5, 7, 31)) {
            // Given: IDs minted by worker W (in any datacenter)
            final SnowflakeIdGenerator ids = new SnowflakeIdGenerator(workerId % 4, workerId);
            for (int i = 0; i < 50; i++) {
                final String eventId = ids.nextIdString();

                // When / Then: the outcome goes to W % P, the partition that worker's instance reads
                for (int partitions : List.of(1, 3, 6, 32)) {
                    assertThat(partitioner.partition(eventId, partitions)).as(eventId + " of " + partitions)
                            .isEqualTo(workerId % partitions)
                            .isEqualTo(partitioner.partitionOfWorker(workerId, partitions));
                }
            }
        }
    }

    @Test
    void shouldHashOtherKeysAsKafkasDefaultPartitionerDoes() {
        // Given: keys that are not the canonical form of a Snowflake ID
        for (String key : List.of("client-chosen-42", "", "-5", "007", "12a", "9223372036854775808",
                "99999999999999999999", "ünïcode", "order/2024/1")) {
            for (int partitions : List.of(1, 3, 6, 32)) {
                // When / Then: the partition a keyed producer record would get from Kafka itself
                assertThat(partitioner.partition(key, partitions)).as(key + " of " + partitions)
                        .isEqualTo(BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8),
                                partitions));
            }
        }
    }

    @Test
    void shouldTreatTheLargestLongAsASnowflakeId() {
        // Given: Long.MAX_VALUE, whose worker bits are all set
        final String key = Long.toString(Long.MAX_VALUE);

        // When / Then
        assertThat(partitioner.partition(key, 6)).isEqualTo(SnowflakeIdGenerator.MAX_WORKER_ID % 6);
    }

    @Test
    void shouldRejectANonPositivePartitionCountOrAnUnknownWorker() {
        assertThatThrownBy(() -> partitioner.partition("1", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> partitioner.partitionOfWorker(32, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> partitioner.partitionOfWorker(-1, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
