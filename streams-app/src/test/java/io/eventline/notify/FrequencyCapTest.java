package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ratelimit.Limit;
import io.eventline.ratelimit.RateLimitAlgorithm;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrequencyCapTest {
    private static final long DAY = 24L * 3600 * 1000;

    @Test
    void shouldParseACountPerUnitAsASlidingWindowLog() {
        assertThat(FrequencyCap.parse("3/day"))
                .contains(new Limit(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 3, DAY, 3));
        assertThat(FrequencyCap.parse("1/second")).map(Limit::unitMillis).contains(1000L);
        assertThat(FrequencyCap.parse("10/minute")).map(Limit::unitMillis).contains(60_000L);
        assertThat(FrequencyCap.parse("5/hour")).map(Limit::unitMillis).contains(3_600_000L);
        assertThat(FrequencyCap.parse("2/week")).map(Limit::unitMillis).contains(7 * DAY);
    }

    @Test
    void shouldAcceptSurroundingSpaceAndAnyCase() {
        assertThat(FrequencyCap.parse("  3/Day ")).contains(new Limit(RateLimitAlgorithm.SLIDING_WINDOW_LOG, 3, DAY, 3));
    }

    @Test
    void shouldAcceptOneToOneThousand() {
        assertThat(FrequencyCap.parse("1/day")).map(Limit::requestsPerUnit).contains(1L);
        assertThat(FrequencyCap.parse("999/day")).map(Limit::requestsPerUnit).contains(999L);
        assertThat(FrequencyCap.parse("1000/day")).map(Limit::requestsPerUnit).contains(1000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/day", "1001/day", "10000/day", "-1/day", "01/day", "3/month", "3/days", "3 / day",
        "3/", "/day", "3", "day", "three/day", "3.5/day", "3/day/hour", ""})
    void shouldRejectAnythingElse(String text) {
        assertThat(FrequencyCap.parse(text)).isEmpty();
    }

    @Test
    void shouldTreatNoCapAsNoLimit() {
        assertThat(FrequencyCap.parse(null)).isEqualTo(Optional.empty());
    }

    @Test
    void shouldDescribeTheSyntaxWithItsBounds() {
        assertThat(FrequencyCap.syntax()).contains("1 to 1000").contains("3/day");
    }
}
