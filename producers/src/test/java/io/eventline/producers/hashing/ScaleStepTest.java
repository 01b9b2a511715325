package io.eventline.producers.hashing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScaleStepTest {
    private static final String A = "http://127.0.0.1:24010";
    private static final String B = "http://127.0.0.1:24020";
    private static final String C = "http://127.0.0.1:24030";

    /** A cluster answer of one application, subtopology 0 with store "links", partitions 0..3. */
    private static String cluster(String... activeThenStandby) {
        final StringBuilder tasks = new StringBuilder();
        for (int p = 0; p < activeThenStandby.length / 2; p++) {
            tasks.append(p == 0 ? "" : ",").append("{\"taskId\":\"0_").append(p).append("\",\"subtopology\":0,")
                    .append("\"partition\":").append(p).append(",\"active\":\"").append(activeThenStandby[2 * p])
                    .append("\",\"standbys\":[").append(activeThenStandby[2 * p + 1] == null ? ""
                            : "\"" + activeThenStandby[2 * p + 1] + "\"")
                    .append("],\"topics\":[\"t\"],\"stores\":[\"links\"]}");
        }
        return "{\"at\":\"2026-12-07T00:00:00Z\",\"servedBy\":\"eventline-1\",\"instances\":[],\"applications\":["
                + "{\"application\":\"at-least-once\",\"applicationId\":\"eventline\",\"tasks\":[" + tasks + "]}]}";
    }

    private static ClusterAssignment parse(String json) throws Exception {
        return ClusterAssignment.parse(new ObjectMapper().readTree(json));
    }

    private static final Map<TopicPartition, Long> BYTES = Map.of(
            new TopicPartition("eventline-links-changelog", 0), 100L,
            new TopicPartition("eventline-links-changelog", 1), 200L,
            new TopicPartition("eventline-links-changelog", 2), 300L,
            new TopicPartition("eventline-links-changelog", 3), 400L);

    @Test
    void shouldCountMovedTasksStandbysAndTheirChangelogBytes() throws Exception {
        // Given 4 tasks on A and B with standbys on the other, and after a step C runs tasks 1 and 3 (their
        // standbys were on B and A), with the standbys placed anew as the assignor chose
        final ClusterAssignment before = parse(cluster(A, B, A, B, B, A, B, A));
        final ClusterAssignment after = parse(cluster(A, B, C, A, B, C, C, B));

        // When
        final TaskMovement movement = TaskMovement.between(before, after, BYTES);

        // Then 2 of 4 active tasks moved, holding 600 of 1,000 bytes; neither to an instance with its standby
        assertThat(movement.activeMoved()).isEqualTo(2);
        assertThat(movement.activeMovedFraction()).isEqualTo(0.5);
        assertThat(movement.activeMovedBytes()).isEqualTo(600);
        assertThat(movement.activeMovedBytesFraction()).isCloseTo(0.6, within(1e-9));
        assertThat(movement.activeMovedToStandby()).isZero();
        // and one standby is on an instance that held no copy (task 2's, on C); task 1's standby A and task 3's
        // standby B were their actives, copies already there
        assertThat(movement.standbysNew()).isEqualTo(1);
        assertThat(movement.restoredBytes()).isEqualTo(200 + 400 + 300);
    }

    @Test
    void shouldCountAnActiveThatMovesToItsStandbyAsNothingToRestore() throws Exception {
        // Given task 0 active on A with its standby on B, then active on B with its standby on A
        final ClusterAssignment before = parse(cluster(A, B));
        final ClusterAssignment after = parse(cluster(B, A));

        // When
        final TaskMovement movement = TaskMovement.between(before, after, BYTES);

        // Then it moved, to its standby: no bytes to restore
        assertThat(movement.activeMoved()).isEqualTo(1);
        assertThat(movement.activeMovedToStandby()).isEqualTo(1);
        assertThat(movement.restoredBytes()).isZero();
    }

    @Test
    void shouldTellWarmupReplicasAndKeysMovedWithKafkasPlacement() throws Exception {
        // Given 4 partitions on A and B, and after the step partition 3 on C with B warming up task 2 as well
        final ClusterAssignment before = parse(cluster(A, B, A, B, B, A, B, A));
        final String warming = cluster(A, B, A, B, B, A, C, B).replace(
                "\"standbys\":[\"A\"]".replace("A", A), "\"standbys\":[\"" + A + "\",\"" + C + "\"]");
        final ClusterAssignment after = parse(warming);
        final KeyHashes keys = KeyHashes.of("user-", 10_000);

        // Then one standby beyond the one asked for is a warm-up
        assertThat(after.warmups(1)).isEqualTo(1);
        // and the keys that moved are those of partition 3, about a quarter
        assertThat(before.keysMovedTo(after, keys)).isCloseTo(0.25, within(0.03));
        assertThat(after.keysPerInstance(keys)).containsOnlyKeys(A, B, C);
    }

    @Test
    void shouldPrintTheStepFromTwoClusterAnswers(@TempDir Path dir) throws Exception {
        // Given two answers on disk
        final Path before = Files.writeString(dir.resolve("before.json"), cluster(A, B, A, B, B, A, B, A));
        final Path after = Files.writeString(dir.resolve("after.json"), cluster(A, B, C, A, B, C, C, B));

        // When the command reads them (no brokers: bytes are 0)
        final StringWriter out = new StringWriter();
        final int exit = new CommandLine(new ScaleStepCommand()).setOut(new java.io.PrintWriter(out))
                .execute("--before", before.toString(), "--after", after.toString(), "--keys", "1000");

        // Then it reports the step and the moved tasks next to what hash % n would move
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("step           2 -> 3 instances")
                .contains("active moved   2 of 4 = 0.500 (1/n = 0.333)")
                .containsPattern("hash % n over them: 0\\.6\\d\\d");
    }

    @Test
    void shouldPrintEveryPlacementSchemeInTheSimulation() {
        // When the simulation runs small
        final StringWriter out = new StringWriter();
        final int exit = new CommandLine(new HashingCommand()).setOut(new java.io.PrintWriter(out))
                .execute("--keys", "2000", "--to", "4", "--vnodes", "1,8", "--rings", "2", "--partitions", "6");

        // Then each scheme has a row per instance count
        assertThat(exit).isZero();
        assertThat(out.toString()).containsPattern("hash % n +4 +0\\.7\\d\\d")
                .containsPattern("ring, 8 vnodes +3 ")
                .containsPattern("kafka, 6 partitions +4 +0\\.1\\d\\d +0\\.250 +1\\.3");
    }
}
