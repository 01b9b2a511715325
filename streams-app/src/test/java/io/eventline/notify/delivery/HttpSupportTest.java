package io.eventline.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HttpSupportTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));

    @Test
    void shouldReadRetryAfterAsDelaySeconds() {
        assertThat(HttpSupport.parseRetryAfter(" 120 ", clock)).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void shouldReadRetryAfterAsHttpDate() {
        assertThat(HttpSupport.parseRetryAfter("Sat, 01 Mar 2025 12:01:30 GMT", clock)).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldTreatAPastRetryAfterDateAsNoDelay() {
        assertThat(HttpSupport.parseRetryAfter("Sat, 01 Mar 2025 11:00:00 GMT", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldIgnoreAnUnreadableRetryAfter() {
        assertThat(HttpSupport.parseRetryAfter("soon", clock)).isNull();
    }
}
