package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped Prometheus files as Debian's {@code promtool} sees them. */
@Tag("integration")
class PromtoolTest {
    @TempDir
    Path dir;

    @Test
    void shouldAcceptTheShippedConfigurationWithItsRules() throws Exception {
        // Given ops/ as an operator sets it up, with the metrics token beside prometheus.yml
        final Path ops = OpsFiles.copyWithToken(dir, "a-metrics-token-of-at-least-32-characters");

        // When
        final Promtool.Result checked = Promtool.run(ops, "check", "config", "prometheus.yml");

        // Then the configuration and every rule file it names are valid
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).contains("SUCCESS").contains("alerts/eventline.rules.yml")
                .contains("rules/eventline.recording.yml");
    }

    @Test
    void shouldAcceptTheShippedRules() throws Exception {
        // When
        final List<String> arguments = new ArrayList<>(List.of("check", "rules"));
        OpsFiles.RULE_FILES.forEach(file -> arguments.add(file.toString()));
        final Promtool.Result checked = Promtool.run(OpsFiles.OPS, arguments.toArray(String[]::new));

        // Then
        assertThat(checked.exitCode()).as(checked.output()).isZero();
        assertThat(checked.output()).doesNotContain("FAILED");
    }

    @Test
    void shouldPassTheRuleUnitTests() throws Exception {
        // Given every unit test file of ops/tests
        final List<String> arguments = new ArrayList<>(List.of("test", "rules"));
        try (Stream<Path> files = Files.list(OpsFiles.OPS.resolve("tests"))) {
            files.filter(file -> file.getFileName().toString().endsWith(".test.yml")).sorted()
                    .forEach(file -> arguments.add(file.toString()));
        }
        assertThat(arguments).hasSizeGreaterThan(3);

        // When
        final Promtool.Result tested = Promtool.run(OpsFiles.OPS, arguments.toArray(String[]::new));

        // Then
        assertThat(tested.exitCode()).as(tested.output()).isZero();
        assertThat(tested.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void shouldFailAUnitTestThatExpectsAnAlertTheRulesDoNotRaise() throws Exception {
        // Given a group that still has a member: the stopped-group alert must not fire
        final Path test = dir.resolve("wrong.test.yml");
        Files.writeString(test, """
                rule_files:
                  - %s
                evaluation_interval: 1m
                tests:
                  - interval: 1m
                    input_series:
                      - series: 'eventline_consumer_group_lag_records{group="g",topic="t",partition="0"}'
                        values: '100x20'
                      - series: 'eventline_consumer_group_members{group="g"}'
                        values: '1x20'
                    alert_rule_test:
                      - eval_time: 15m
                        alertname: EventlineConsumerGroupStopped
                        exp_alerts:
                          - exp_labels: {severity: page, group: g}
                """.formatted(OpsFiles.RULE_FILES.get(0)));

        // When
        final Promtool.Result tested = Promtool.run(dir, "test", "rules", test.toString());

        // Then
        assertThat(tested.exitCode()).as(tested.output()).isNotZero();
        assertThat(tested.output()).contains("FAILED").contains("EventlineConsumerGroupStopped");
    }
}
