package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    private static final long MS = 1_000_000;

    @Test
    void shouldReportPercentilesOfMeasuredRequestsOnlyInMilliseconds() {
        // Given 100 measured responses of 1..100 ms and a warm-up response of 5 s
        final long start = 0;
        final LatencyRecorder recorder = new LatencyRecorder(start);
        for (int i = 1; i <= 100; i++) {
            recorder.sent(0);
            recorder.completed(true, "201", i * MS, start + 1_000 * MS);
        }
        recorder.sent(0);
        recorder.completed(false, "201", 5_000 * MS, start + 2_000 * MS);

        // When
        final LoadResult result = recorder.result();

        // Then
        assertThat(result.sent()).isEqualTo(101);
        assertThat(result.completed()).isEqualTo(101);
        assertThat(result.measuredOutcomes()).isEqualTo(100);
        assertThat(result.latencyMillisAt(50)).isCloseTo(50, offset(0.1));
        assertThat(result.latencyMillisAt(99)).isCloseTo(99, offset(0.1));
        assertThat(result.maxLatencyMillis()).isCloseTo(100, offset(0.1));
        // the warm-up completion came later but does not stretch the measured time
        assertThat(result.measuredSeconds()).isEqualTo(1.0);
        assertThat(result.achievedPerSecond()).isEqualTo(100.0);

        final String report = LoadReport.format(result, "status", "from intended send time", false);
        assertThat(report)
                .contains("requests     sent 101, ended 101")
                .contains("achieved     100.0/s  (100 after the warm-up, in 1.00 s)")
                .contains("status       201=100")
                .contains("failures     none")
                .containsPattern("latency ms   p50=50\\.\\d  p90=90\\.\\d  p99=99\\.\\d  "
                        + "p99\\.9=100\\.\\d  max=100\\.\\d  \\(from intended send time\\)")
                .doesNotContain("send lag")
                .doesNotContain("distribution");
    }

    @Test
    void shouldCountFailuresByTheirUnwrappedTypeAndShowUnfinishedRequests() {
        final LatencyRecorder recorder = new LatencyRecorder(0);
        for (int i = 0; i < 4; i++) {
            recorder.sent(0);
        }
        recorder.completed(true, "200", MS, MS);
        recorder.failed(true, new CompletionException(new HttpTimeoutException("request timed out")), 2 * MS);
        recorder.failed(true, new ConnectException("refused"), 3 * MS);

        final LoadResult result = recorder.result();

        assertThat(result.failures()).containsExactly(Map.entry("ConnectException", 1L),
                Map.entry("HttpTimeoutException", 1L));
        assertThat(result.unfinished()).isEqualTo(1);
        assertThat(LoadReport.format(result, "status", "x", false))
                .contains("requests     sent 4, ended 3, unfinished 1")
                .contains("failures     ConnectException=1 HttpTimeoutException=1");
    }

    @Test
    void shouldReportTheLatestSendAgainstTheSchedule() {
        final LatencyRecorder recorder = new LatencyRecorder(0);
        recorder.sent(2 * MS);
        recorder.sent(12_500_000);
        recorder.sent(-5 * MS);
        recorder.completed(true, "200", MS, MS);

        final LoadResult result = recorder.result();

        assertThat(result.maxSendLagMicros()).isEqualTo(12_500);
        assertThat(LoadReport.format(result, "status", "x", false))
                .contains("send lag     max 12.5 ms behind schedule");
    }

    @Test
    void shouldSayNothingWasMeasuredRatherThanPrintZeros() {
        final LoadResult result = new LatencyRecorder(0).result();

        assertThat(result.achievedPerSecond()).isZero();
        assertThat(LoadReport.format(result, "status", "x", true))
                .contains("latency ms   none measured")
                .doesNotContain("distribution");
    }

    @Test
    void shouldAppendTheFullDistributionWhenAsked() {
        final LatencyRecorder recorder = new LatencyRecorder(0);
        recorder.completed(true, "200", 3 * MS, MS);

        assertThat(LoadReport.format(recorder.result(), "status", "x", true))
                .contains("latency distribution (ms):")
                .contains("Percentile")
                .contains("#[Max     =        3.0");
    }

    @Test
    void shouldClampLatenciesBeyondTheHistogramsRange() {
        final LatencyRecorder recorder = new LatencyRecorder(0);
        recorder.completed(true, "200", Long.MAX_VALUE, MS);

        assertThat(recorder.result().latencyMicros().getMaxValue())
                .isGreaterThanOrEqualTo(LatencyRecorder.HIGHEST_MICROS);
    }

    @Test
    void shouldRoundMillisecondsToTheirPrecision() {
        assertThat(LoadReport.millis(1.2345)).isEqualTo("1.23");
        assertThat(LoadReport.millis(12.345)).isEqualTo("12.3");
        assertThat(LoadReport.millis(1234.5)).isEqualTo("1235");
        assertThat(LoadReport.percentileName(99.9)).isEqualTo("99.9");
        assertThat(LoadReport.percentileName(50)).isEqualTo("50");
        assertThat(LoadReport.counts(new TreeMap<>(Map.of("404", 2L, "200", 7L)))).isEqualTo("200=7 404=2");
    }

    @Test
    void shouldNameIoFailuresPlainly() {
        assertThat(LatencyRecorder.failureName(new CompletionException(new IOException("x")))).isEqualTo("IOException");
    }

    @Test
    void shouldDescribeClientCpuAsCoresUsed() {
        assertThat(ProcessCpu.describe(Duration.ofMillis(4_100), Duration.ofSeconds(13)))
                .isEqualTo("4.10 s in 13.00 s = 0.32 cores");
        assertThat(ProcessCpu.describe(Duration.ZERO, Duration.ZERO))
                .isEqualTo("0.00 s in 0.00 s = 0.00 cores");
    }

    @Test
    void shouldPrintOneTimelineLinePerInterval() {
        final LatencyRecorder recorder = new LatencyRecorder(0);
        for (int i = 1; i <= 10; i++) {
            recorder.completed(false, "200", i * MS, MS);
        }

        final String line = LoadReport.intervalLine(5, 5.0, recorder.takeInterval());

        // warm-up outcomes belong on the timeline too
        assertThat(line).isEqualTo("+5s          2.0/s     p50=5.00  p99=10.0  max=10.0");
        assertThat(LoadReport.intervalLine(10, 5.0, recorder.takeInterval())).isEqualTo("+10s         0.0/s");
    }
}
