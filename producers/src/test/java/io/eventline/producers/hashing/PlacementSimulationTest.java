package io.eventline.producers.hashing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PlacementSimulationTest {
    private static final KeyHashes KEYS = KeyHashes.of("user-", 20_000);

    @Test
    void shouldPutKeysOnThePartitionsKafkasProducerPicks() {
        // Given keys as the load generator names users
        for (String key : List.of("user-0", "user-1", "user-99999", "chat-abc-17")) {
            // When placed on 6 and 48 partitions
            // Then the partition is the one Kafka's own producer computes for the key
            for (int partitions : new int[] {6, 48}) {
                assertThat(KeyHashes.partition(KeyHashes.hash(key), partitions)).isEqualTo(
                        BuiltInPartitioner.partitionForKey(key.getBytes(StandardCharsets.UTF_8), partitions));
            }
        }
    }

    @Test
    void shouldMoveMostKeysWithModuloButAboutOneInNWithARing() {
        // Given the same keys on 3 and then 4 instances
        // When placed by hash % n and by a ring of 100 virtual nodes per instance
        final double modulo = ModuloPlacement.place(KEYS, 3).movedTo(ModuloPlacement.place(KEYS, 4));
        final double ring = HashRing.of(3, 100, "").place(KEYS).movedTo(HashRing.of(4, 100, "").place(KEYS));

        // Then modulo moves about 3 keys in 4, the ring about 1 in 4
        assertThat(modulo).isCloseTo(0.75, within(0.02));
        assertThat(ring).isCloseTo(0.25, within(0.07));
    }

    @Test
    void shouldMoveKeysOnlyToTheNewInstanceOnARing() {
        // Given a ring of 4 instances with 8 virtual nodes, and the same ring with a fifth
        final Placement before = HashRing.of(4, 8, "x/").place(KEYS);
        final Placement after = HashRing.of(5, 8, "x/").place(KEYS);

        // Then every key that moved went to the newcomer, none between old instances
        for (int i = 0; i < KEYS.count(); i++) {
            if (before.owners()[i] != after.owners()[i]) {
                assertThat(after.owners()[i]).isEqualTo(4);
            }
        }
        assertThat(before.movedTo(after)).isGreaterThan(0);
    }

    @Test
    void shouldSpreadKeysMoreEvenlyWithMoreVirtualNodes() {
        // Given rings of 4 instances, averaged over 10 rings each
        final double one = ScaleSteps.ring(KEYS, 1, 10, 4, 5).get(0).spread().sdOverMean();
        final double many = ScaleSteps.ring(KEYS, 256, 10, 4, 5).get(0).spread().sdOverMean();

        // Then one point per instance leaves arcs of very different lengths; 256 points even them out
        assertThat(one).isGreaterThan(0.3);
        assertThat(many).isLessThan(0.1);
    }

    @Test
    void shouldMoveOnlyWholePartitionsTheNewcomerNeedsUnderKafkasPlacement() {
        // Given 6 partitions, on 2 then 3 then 4 instances
        final PartitionAssignment two = PartitionAssignment.grownTo(6, 2);
        final PartitionAssignment three = two.withOneMore();
        final PartitionAssignment four = three.withOneMore();

        // Then each step hands floor(6/n) partitions to the newcomer and moves nothing else
        assertThat(changed(two, three)).isEqualTo(2);
        assertThat(changed(three, four)).isEqualTo(1);
        final long[] partitionsPerInstance = new long[4];
        Arrays.stream(four.instanceOf()).forEach(instance -> partitionsPerInstance[instance]++);
        assertThat(partitionsPerInstance).containsExactlyInAnyOrder(2, 2, 1, 1);
        // and with 6 partitions on 4 instances, the coarse grain alone makes the fullest hold 2/1.5 of the mean
        assertThat(four.place(KEYS).spread().maxOverMean()).isCloseTo(4.0 / 3, within(0.05));
        // the keys that moved are exactly those of the moved partitions
        final double movedKeys = three.place(KEYS).movedTo(four.place(KEYS));
        assertThat(movedKeys).isCloseTo(1.0 / 6, within(0.02));
    }

    @Test
    void shouldReportTheSpreadOfLoads() {
        // Given loads of 2, 2, 1 and 1
        final Spread spread = Spread.of(new long[] {2, 2, 1, 1});

        // Then max/mean is 2/1.5, min/mean 1/1.5 and sd/mean 0.5/1.5
        assertThat(spread.maxOverMean()).isCloseTo(4.0 / 3, within(1e-9));
        assertThat(spread.minOverMean()).isCloseTo(2.0 / 3, within(1e-9));
        assertThat(spread.sdOverMean()).isCloseTo(1.0 / 3, within(1e-9));
    }

    private static int changed(PartitionAssignment a, PartitionAssignment b) {
        int changed = 0;
        for (int p = 0; p < a.partitions(); p++) {
            if (a.instanceOf()[p] != b.instanceOf()[p]) {
                changed++;
            }
        }
        return changed;
    }
}
