package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SinceTimeTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @Test
    void shouldReadATimeAgoInSecondsMinutesHoursOrDays() {
        assertThat(SinceTime.parse("90s", clock)).isEqualTo(Instant.parse("2026-03-01T11:58:30Z"));
        assertThat(SinceTime.parse("30m", clock)).isEqualTo(Instant.parse("2026-03-01T11:30:00Z"));
        assertThat(SinceTime.parse("2h", clock)).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(SinceTime.parse(" 7d ", clock)).isEqualTo(Instant.parse("2026-02-22T12:00:00Z"));
    }

    @Test
    void shouldReadAnIsoInstant() {
        assertThat(SinceTime.parse("2026-01-31T09:00:00Z", clock)).isEqualTo(Instant.parse("2026-01-31T09:00:00Z"));
    }

    @Test
    void shouldRefuseAnythingElseSayingWhatItTakes() {
        assertThatThrownBy(() -> SinceTime.parse("yesterday", clock)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ISO-8601 instant").hasMessageContaining("2h").hasMessageContaining("yesterday");
        assertThatThrownBy(() -> SinceTime.parse("2 hours", clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
