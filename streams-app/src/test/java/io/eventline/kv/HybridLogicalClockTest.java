package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HybridLogicalClockTest {

    @Test
    void shouldFollowWallTimeAndNeverGoBackWhenTheWallClockDoes() {
        // Given a clock resumed from the last time it gave out before a restart
        final HybridLogicalClock clock = new HybridLogicalClock(1_000L << HybridLogicalClock.COUNTER_BITS);

        // When the wall clock reads earlier, twice, then later
        final long first = clock.tick(900);
        final long second = clock.tick(900);
        final long later = clock.tick(2_000);

        // Then it counts on from where it was, and takes the wall time again once that is ahead
        assertThat(first).isGreaterThan(1_000L << HybridLogicalClock.COUNTER_BITS);
        assertThat(second).isEqualTo(first + 1);
        assertThat(later).isEqualTo(2_000L << HybridLogicalClock.COUNTER_BITS);
    }
}
