package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How the metric names read by the shipped rules and dashboard are found. */
class OpsFilesTest {
    @Test
    void shouldFindTheMetricsOfAnExpressionButNotItsFunctionsLabelsOrDurations() {
        // When
        final var names = OpsFiles.metricNames("""
                sum by (ratelimit_id) (rate(kafka_stream_ratelimit_limited_total{route="/{code}"}[5m])) > 1
                  unless
                sum by (ratelimit_id) (rate(kafka_stream_ratelimit_limited_total[1h] offset 5m)) * 4
                  >= on (ratelimit_id) group:eventline_consumer_group_lag_records:sum
                  and histogram_quantile(0.99, sum by (le) (rate(http_server_requests_seconds_bucket[5m]))) > 0.1
                  or label_replace(up, "outcome", "allowed", "", "") == bool 1e3
                """);

        // Then
        assertThat(names).containsExactlyInAnyOrder("kafka_stream_ratelimit_limited_total",
                "group:eventline_consumer_group_lag_records:sum", "http_server_requests_seconds_bucket", "up");
    }

    @Test
    void shouldReadTheRulesAndTheDashboardAndLeaveOutRecordedSeries() {
        // When
        final var used = OpsFiles.exportedMetricsUsed();

        // Then
        assertThat(used).contains("http_server_requests_seconds_bucket", "eventline_consumer_group_lag_records",
                "eventline_consumer_group_members", "kafka_stream_alive_stream_threads")
                .noneMatch(name -> name.contains(":"));
        assertThat(OpsFiles.recorded()).contains("route_method:http_server_requests_seconds:p99_5m",
                "group:eventline_consumer_group_lag_records:sum");
    }

    @Test
    void shouldLinkEveryAlertToASectionOfTheRunbook() throws Exception {
        // Given the runbook's sections, as GitHub names their anchors
        final Path runbook = OpsFiles.OPS.resolve("runbooks/eventline.md");
        final Set<String> anchors = Files.readAllLines(runbook).stream().filter(line -> line.startsWith("## "))
                .map(line -> line.substring(3).trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());

        // When
        final List<String> broken = new ArrayList<>();
        for (JsonNode rule : OpsFiles.rules()) {
            if (rule.has("alert")) {
                final String link = rule.path("annotations").path("runbook").asText();
                if (!link.startsWith("ops/runbooks/eventline.md#")
                        || !anchors.contains(link.substring(link.indexOf('#') + 1))) {
                    broken.add(rule.path("alert").asText() + " -> " + link);
                }
            }
        }

        // Then
        assertThat(broken).isEmpty();
        assertThat(anchors).contains("consumer-group-stopped", "consumer-group-falling-behind");
    }
}
