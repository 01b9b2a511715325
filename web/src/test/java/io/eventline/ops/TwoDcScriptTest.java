package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ops/two-dc.sh} without starting anything: its argument checks and the MirrorMaker 2 configuration it
 * renders. Bringing the two DCs up needs root, network namespaces and minutes; that run is kept in
 * {@code docs/benchmarks/raw/two-dc/ops-smoke.txt}.
 */
@Tag("integration")
class TwoDcScriptTest {
    private static final Path SCRIPT = Path.of("..", "ops", "two-dc.sh").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    /** The exit code and both outputs of one run. */
    private record Run(int exitCode, String stdout, String stderr) {
    }

    private Run twoDc(Map<String, String> env, String... arguments) throws IOException, InterruptedException {
        final ProcessBuilder builder = new ProcessBuilder(
                Stream.concat(Stream.of("bash", SCRIPT.toString()), Stream.of(arguments)).toList());
        builder.environment().put("EVENTLINE_TWO_DC_DIR", temp.resolve("two-dc").toString());
        builder.environment().putAll(env);
        final Path stdout = temp.resolve("stdout");
        final Path stderr = temp.resolve("stderr");
        final Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("two-dc.sh %s finished", List.of(arguments)).isTrue();
        return new Run(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }

    @Test
    void shouldBeValidBash() throws Exception {
        // When
        final Process check = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        final String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        // Then
        assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
    }

    @Test
    void shouldRefuseWrongArgumentsWithOneLineReasonsAndChangeNothing() throws Exception {
        // Given no two DCs in the directory
        final Map<List<String>, String> refusals = Map.of(
                List.of("frobnicate"), "unknown command 'frobnicate'",
                List.of("up", "--brokers", "3"), "up takes no arguments",
                List.of("down", "--all"), "down: unknown argument '--all'",
                List.of("cut", "now"), "cut takes no arguments",
                List.of("slow"), "slow takes one argument",
                List.of("status"), "no two DCs in " + temp.resolve("two-dc"),
                List.of("exec", "c", "true"), "no DC 'c' (a or b)",
                List.of("tool", "TopicCommand", "--list"), "Kafka's tools are not in ");

        for (Map.Entry<List<String>, String> refusal : refusals.entrySet()) {
            // When
            final Run run = twoDc(Map.of(), refusal.getKey().toArray(String[]::new));

            // Then
            final String what = String.join(" ", refusal.getKey());
            assertThat(run.exitCode()).as(what).isNotZero();
            assertThat(run.stderr()).as(what).startsWith("two-dc: ").contains(refusal.getValue());
            assertThat(run.stderr().strip().lines()).as(what).hasSize(1);
        }
        assertThat(temp.resolve("two-dc")).doesNotExist();
    }

    @Test
    void shouldMirrorTheKvChangesBothWaysUnderTheSourceDcsPrefix() throws Exception {
        // When
        final Run run = twoDc(Map.of(), "mm2-config");

        // Then each DC's broker is named by its address, both flows run, and copies are named <source>.<topic>
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout().lines()).contains(
                "clusters = a, b",
                "a.bootstrap.servers = 10.77.1.2:9092",
                "b.bootstrap.servers = 10.77.2.2:9092",
                "a->b.enabled = true",
                "b->a.enabled = true",
                "topics = kv\\.changes\\.v1",
                "replication.policy.class = org.apache.kafka.connect.mirror.DefaultReplicationPolicy",
                "offset-syncs.topic.location = target",
                "replication.factor = 1",
                "a.producer.linger.ms = 0",
                "b.producer.linger.ms = 0");
        assertThat(run.stdout()).doesNotContainPattern("@[A-Z_]+@");
    }

    @Test
    void shouldMirrorTheTopicsNamedInTheEnvironment() throws Exception {
        // Given
        final Map<String, String> env = Map.of("EVENTLINE_TWO_DC_TOPICS", "kv\\.changes\\.v1, feed\\.posts\\.v1");

        // When
        final Run run = twoDc(env, "mm2-config");

        // Then
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout().lines()).contains("topics = kv\\.changes\\.v1, feed\\.posts\\.v1");
    }
}
