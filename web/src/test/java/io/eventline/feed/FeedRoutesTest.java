package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeedRoutesTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @Test
    void shouldReportAReaderWhoWasMarkedInactiveEvenIfRecentlySeen() {
        assertThat(FeedRoutes.isActivityReportDue(user(NOW - 1, true), NOW)).isTrue();
    }

    @Test
    void shouldReportAReaderLastSeenAnHourAgoOrLonger() {
        assertThat(FeedRoutes.isActivityReportDue(user(NOW - HOUR, false), NOW)).isTrue();
        assertThat(FeedRoutes.isActivityReportDue(user(0, false), NOW)).isTrue();
    }

    @Test
    void shouldNotReportAnActiveReaderSeenWithinTheHourOrAnUnknownOne() {
        assertThat(FeedRoutes.isActivityReportDue(user(NOW - HOUR + 1, false), NOW)).isFalse();
        assertThat(FeedRoutes.isActivityReportDue(null, NOW)).isFalse();
    }

    private static UserState user(long lastActiveAt, boolean inactive) {
        return UserState.newBuilder().setUserId("reader").setLastActiveAt(lastActiveAt).setInactive(inactive)
                .build();
    }
}
