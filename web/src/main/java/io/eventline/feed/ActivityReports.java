package io.eventline.feed;

import io.eventline.clients.EventProducer;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.OncePerInterval;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Tells the stream that a user who was marked inactive, or not reported for a while, is reading again, so that
 * posts are fanned out to them once more: at most one {@link UserSeen} per user and interval from this instance
 * (a user's reads all land on the owner of the user's feed partition), sent without waiting. Until the stream has
 * seen the report, the user's state still says it is due; the users reported lately are remembered so that a
 * burst of reads in that time sends one report, not one each. A report that fails is forgotten, so the next read
 * sends it again.
 */
final class ActivityReports {
    static final Duration INTERVAL = Duration.ofHours(1);
    /** Users remembered at most: about 100 bytes each. */
    private static final long MAX_REMEMBERED = 200_000;

    private final Function<UserSeen, CompletableFuture<?>> send;
    private final SnowflakeIdGenerator ids;
    private final Clock clock;
    private final OncePerInterval reports = new OncePerInterval("The activity", INTERVAL, MAX_REMEMBERED);

    ActivityReports(EventProducer producer, SnowflakeIdGenerator ids, Clock clock) {
        this(event -> producer.send(FeedTopics.ACTIVITY, event), ids, clock);
    }

    /** @param send produces a report; its future fails when the report was not stored */
    ActivityReports(Function<UserSeen, CompletableFuture<?>> send, SnowflakeIdGenerator ids, Clock clock) {
        this.send = send;
        this.ids = ids;
        this.clock = clock;
    }

    /** True when a report of {@code userId} went out within the interval; such a read need not look further. */
    boolean reportedLately(String userId) {
        return reports.sentLately(userId);
    }

    /** Reports {@code userId} if {@code user} says it is due and no report went out within the interval. */
    void reportIfDue(String userId, UserState user) {
        if (isDue(user, clock.millis())) {
            reports.send(userId, () -> send.apply(UserSeen.newBuilder().setEventId(ids.nextIdString())
                    .setTimestamp(clock.instant()).setUserId(userId).build()));
        }
    }

    /** True for a known user marked inactive or last seen active longer ago than the interval. */
    static boolean isDue(UserState user, long nowMillis) {
        return user != null && (user.getInactive() || nowMillis - user.getLastActiveAt() >= INTERVAL.toMillis());
    }
}
