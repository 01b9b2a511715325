package io.eventline.feed;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.ids.SnowflakeIdGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ActivityReportsTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long HOUR = Duration.ofHours(1).toMillis();

    @Test
    void shouldReportAReaderWhoWasMarkedInactiveEvenIfRecentlySeen() {
        assertThat(ActivityReports.isDue(user(NOW - 1, true), NOW)).isTrue();
    }

    @Test
    void shouldReportAReaderLastSeenAnHourAgoOrLonger() {
        assertThat(ActivityReports.isDue(user(NOW - HOUR, false), NOW)).isTrue();
        assertThat(ActivityReports.isDue(user(0, false), NOW)).isTrue();
    }

    @Test
    void shouldNotReportAnActiveReaderSeenWithinTheHourOrAnUnknownOne() {
        assertThat(ActivityReports.isDue(user(NOW - HOUR + 1, false), NOW)).isFalse();
        assertThat(ActivityReports.isDue(null, NOW)).isFalse();
    }

    @Test
    void shouldSendOneReportForABurstOfReadsBeforeTheStreamHasSeenIt() throws Exception {
        // Given a reader the stream still thinks is due, as it does until it has processed the first report
        final List<UserSeen> sent = new CopyOnWriteArrayList<>();
        final ActivityReports reports = reports(seen -> {
            sent.add(seen);
            return CompletableFuture.completedFuture(null);
        });
        final UserState due = user(0, false);

        // When 8 threads serve 1,000 reads of that reader at once
        final ExecutorService readers = Executors.newFixedThreadPool(8);
        for (int i = 0; i < 1_000; i++) {
            readers.submit(() -> {
                if (!reports.reportedLately("reader")) {
                    reports.reportIfDue("reader", due);
                }
            });
        }
        readers.shutdown();
        assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        // Then one report went out, and the reader counts as reported
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getUserId()).isEqualTo("reader");
        assertThat(reports.reportedLately("reader")).isTrue();
        reports.reportIfDue("other", user(NOW - 1, false));
        assertThat(sent).as("a reader seen within the hour is not reported").hasSize(1);
    }

    @Test
    void shouldSendAgainOnTheNextReadWhenAReportWasNotStored() {
        // Given a report the broker refuses
        final List<UserSeen> sent = new CopyOnWriteArrayList<>();
        final ActivityReports reports = reports(seen -> {
            sent.add(seen);
            return sent.size() == 1 ? CompletableFuture.failedFuture(new IllegalStateException("broker away"))
                    : CompletableFuture.completedFuture(null);
        });

        // When the reader reads twice
        reports.reportIfDue("reader", user(0, true));
        reports.reportIfDue("reader", user(0, true));

        // Then the second read reports again, and a third does not
        reports.reportIfDue("reader", user(0, true));
        assertThat(sent).hasSize(2);
    }

    private static ActivityReports reports(java.util.function.Function<UserSeen, CompletableFuture<?>> send) {
        return new ActivityReports(send, new SnowflakeIdGenerator(0, 1),
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    }

    private static UserState user(long lastActiveAt, boolean inactive) {
        return UserState.newBuilder().setUserId("reader").setLastActiveAt(lastActiveAt).setInactive(inactive)
                .build();
    }
}
