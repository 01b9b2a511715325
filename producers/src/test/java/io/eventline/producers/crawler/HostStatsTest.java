package io.eventline.producers.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostStatsTest {

    @Test
    void shouldCountRepeatedPathsAsDuplicates() {
        // Given a host's requests: two pages, one of them twice, robots.txt twice and an unknown path
        final HostStats stats = new HostStats();
        stats.record(0, "/", 0);
        stats.record(1, "/p/3", 3);
        stats.record(2, "/p/3", 3);
        stats.record(3, "/robots.txt", -1);
        stats.record(4, "/robots.txt", -1);
        stats.record(5, "/nope", -1);

        // When counted
        final HostStats.Snapshot snapshot = stats.snapshot();

        // Then every request counts, each path once as served, and each repeat as a duplicate
        assertThat(snapshot.requests()).isEqualTo(6);
        assertThat(snapshot.pagesServed()).isEqualTo(2);
        assertThat(snapshot.duplicates()).isEqualTo(2);
        assertThat(snapshot.robots()).isEqualTo(2);
        assertThat(snapshot.notFound()).isEqualTo(1);
    }

    @Test
    void shouldMeasureGapsBetweenConsecutiveArrivalsWhateverOrderTheyAreRecordedIn() {
        // Given arrivals at 0, 100, 250, 260 and 1,260 ms, the last two recorded out of order
        final HostStats stats = new HostStats();
        final long ms = 1_000_000L;
        stats.record(0, "/", 0);
        stats.record(100 * ms, "/p/1", 1);
        stats.record(250 * ms, "/p/2", 2);
        stats.record(1_260 * ms, "/p/4", 4);
        stats.record(260 * ms, "/p/3", 3);

        // When counted
        final HostStats.Snapshot snapshot = stats.snapshot();

        // Then the gaps are 10, 100, 150 and 1,000 ms: the least 10, the median (nearest rank) 100
        assertThat(snapshot.gapsNanos()).containsExactly(10 * ms, 100 * ms, 150 * ms, 1_000 * ms);
        assertThat(snapshot.gapAt(0)).isEqualTo(10 * ms);
        assertThat(snapshot.gapAt(0.01)).isEqualTo(10 * ms);
        assertThat(snapshot.gapAt(0.5)).isEqualTo(100 * ms);
        assertThat(snapshot.gapsBelow(100 * ms)).isEqualTo(1);
        assertThat(snapshot.gapsBelow(101 * ms)).isEqualTo(2);
    }

    @Test
    void shouldHaveNoGapWithOneRequest() {
        final HostStats stats = new HostStats();
        stats.record(5, "/", 0);

        assertThat(stats.snapshot().gapAt(0.5)).isEqualTo(-1);
        assertThat(stats.snapshot().gapsNanos()).isEmpty();
    }
}
