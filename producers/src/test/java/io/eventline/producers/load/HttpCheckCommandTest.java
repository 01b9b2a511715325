package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.RateLimitKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HttpCheckCommandTest {

    @Test
    void shouldKeepOnlyCountersOnTheGivenPartitions() {
        // Given partitions 1 and 4 of 6
        final Set<Integer> wanted = Set.of(1, 4);

        // When 500 counters are picked
        final List<String> values = CheckCounters.values("bench", "client", 500, wanted, 6);

        // Then there are 500 distinct ones, each on 1 or 4 as Kafka's own partitioner places its key
        assertThat(values).hasSize(500).doesNotHaveDuplicates();
        for (String value : values) {
            assertThat(kafkaPartition("bench", "client", value, 6)).isIn(1, 4);
        }
    }

    @Test
    void shouldSkipNoCounterWithoutAPartitionSet() {
        // Given no partitions named, When 4 counters are picked, Then they are the first four values
        assertThat(CheckCounters.values("bench", "client", 4, Set.of(), 6))
                .containsExactly("c-0", "c-1", "c-2", "c-3");
    }

    @Test
    void shouldPlaceCountersAsKafkaDoes() {
        // Given counters of two domains, When their partitions are computed, Then they match the producer's
        final Set<Integer> seen = new HashSet<>();
        for (int n = 0; n < 200; n++) {
            final int partition = CheckCounters.partitionOf("bench", "client", "c-" + n, 6);
            assertThat(partition).isEqualTo(kafkaPartition("bench", "client", "c-" + n, 6));
            assertThat(CheckCounters.partitionOf("rewards", "device", "c-" + n, 12))
                    .isEqualTo(kafkaPartition("rewards", "device", "c-" + n, 12));
            seen.add(partition);
        }
        // and they spread over every partition, so a selection is never empty by construction
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void shouldCheckTheSelectedCountersInTurn() {
        // Given a command aimed at 3 counters of partition 2
        final HttpCheckCommand command = new HttpCheckCommand();
        new CommandLine(command).parseArgs("--url", "http://localhost:1", "--rate", "1", "--token", "svc",
                "--counters", "3", "--in-partition", "2");
        command.validate();
        final List<String> values = CheckCounters.values("bench", "client", 3, Set.of(2), 6);

        // When / Then request 4 checks the second of them, one hit, as the check API takes it
        assertThat(HttpCheckCommand.valueFor(values, 4)).isEqualTo(values.get(1));
        assertThat(HttpCheckCommand.body("bench", "client", values.get(1)))
                .isEqualTo("{\"domain\":\"bench\",\"descriptors\":[[{\"key\":\"client\",\"value\":\""
                        + values.get(1) + "\"}]]}");
        assertThat(command.describeRequests())
                .isEqualTo("POST /api/v1/ratelimit/check over 3 counters of bench (client=c-N) on partitions [2] of 6");
    }

    @Test
    void shouldRejectAPartitionOutOfRange() {
        // Given partition 6 of 6
        final CommandLine commandLine = new CommandLine(new HttpCheckCommand());
        final StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        // When it runs
        final int exit = commandLine.execute("--url", "http://localhost:1", "--rate", "1", "--token", "svc",
                "--in-partition", "6");

        // Then it is a usage error naming the range, and nothing is sent
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--in-partition must be 0 to 5");
    }

    /** What the producer does with a keyed record when no partitioner is configured. */
    private static int kafkaPartition(String domain, String key, String value, int partitions) {
        final String counterKey = RateLimitKeys.counterKey(domain, List.of(new DescriptorEntry(key, value)));
        return BuiltInPartitioner.partitionForKey(counterKey.getBytes(StandardCharsets.UTF_8), partitions);
    }
}
