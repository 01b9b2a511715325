package io.eventline.producers.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FixedRateScheduleTest {

    @Test
    void shouldSendRateTimesLengthRequestsWarmupIncluded() {
        // Given 200/s for 30 s after a 5 s warm-up
        final FixedRateSchedule schedule = new FixedRateSchedule(200, Duration.ofSeconds(5), Duration.ofSeconds(30));

        // Then
        assertThat(schedule.total()).isEqualTo(7_000);
        assertThat(schedule.measuredCount()).isEqualTo(6_000);
        assertThat(schedule.endNanos()).isEqualTo(Duration.ofSeconds(35).toNanos());
    }

    @Test
    void shouldSpaceRequestsEvenlyFromTheStart() {
        final FixedRateSchedule schedule = new FixedRateSchedule(200, Duration.ZERO, Duration.ofSeconds(1));

        assertThat(schedule.offsetNanos(0)).isZero();
        assertThat(schedule.offsetNanos(1)).isEqualTo(5_000_000);
        assertThat(schedule.offsetNanos(199)).isEqualTo(995_000_000);
    }

    @Test
    void shouldNotDriftOverALongRunAtARateWithoutAnExactPeriod() {
        // Given a period of 1/3 ms, which no whole number of nanoseconds matches
        final FixedRateSchedule schedule = new FixedRateSchedule(3_000, Duration.ZERO, Duration.ofHours(1));

        // Then the last request is still where rate and index put it, not shifted by summed rounding
        final long last = schedule.total() - 1;
        assertThat(last).isEqualTo(10_799_999);
        assertThat(schedule.offsetNanos(last)).isBetween(3_599_999_666_666L, 3_599_999_666_667L);
    }

    @Test
    void shouldMeasureExactlyTheRequestsDueAfterTheWarmup() {
        final FixedRateSchedule schedule = new FixedRateSchedule(3, Duration.ofSeconds(1), Duration.ofSeconds(1));

        // requests at 0, 1/3, 2/3 s are warm-up; at 1, 4/3, 5/3 s are measured
        assertThat(schedule.total()).isEqualTo(6);
        assertThat(schedule.isMeasured(2)).isFalse();
        assertThat(schedule.isMeasured(3)).isTrue();
        assertThat(schedule.measuredCount()).isEqualTo(3);
    }

    @Test
    void shouldMeasureEveryRequestWithoutAWarmup() {
        final FixedRateSchedule schedule = new FixedRateSchedule(7.5, Duration.ZERO, Duration.ofSeconds(2));

        assertThat(schedule.total()).isEqualTo(15);
        assertThat(schedule.measuredCount()).isEqualTo(15);
        assertThat(schedule.isMeasured(0)).isTrue();
    }

    @Test
    void shouldRejectRatesAndLengthsThatMakeNoRun() {
        assertThatThrownBy(() -> new FixedRateSchedule(0, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        assertThatThrownBy(() -> new FixedRateSchedule(Double.NaN, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        assertThatThrownBy(() -> new FixedRateSchedule(2_000_000, Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        assertThatThrownBy(() -> new FixedRateSchedule(10, Duration.ZERO, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> new FixedRateSchedule(10, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warm-up");
    }

    @Test
    void shouldRefuseIndexesOutsideTheRun() {
        final FixedRateSchedule schedule = new FixedRateSchedule(10, Duration.ZERO, Duration.ofSeconds(1));

        assertThatThrownBy(() -> schedule.offsetNanos(10)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> schedule.offsetNanos(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
