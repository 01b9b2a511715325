package io.eventline.feed;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.producers.EventProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(ActivityReports.class);

    private final Function<UserSeen, CompletableFuture<?>> send;
    private final SnowflakeIdGenerator ids;
    private final Clock clock;
    private final Cache<String, Boolean> reported;

    ActivityReports(EventProducer producer, SnowflakeIdGenerator ids, Clock clock) {
        this(producer::send, ids, clock);
    }

    /** @param send produces a report; its future fails when the report was not stored */
    ActivityReports(Function<UserSeen, CompletableFuture<?>> send, SnowflakeIdGenerator ids, Clock clock) {
        this.send = send;
        this.ids = ids;
        this.clock = clock;
        this.reported = Caffeine.newBuilder().expireAfterWrite(INTERVAL).maximumSize(MAX_REMEMBERED).build();
    }

    /** True when a report of {@code userId} went out within the interval; such a read need not look further. */
    boolean reportedLately(String userId) {
        return reported.getIfPresent(userId) != null;
    }

    /** Reports {@code userId} if {@code user} says it is due and no report went out within the interval. */
    void reportIfDue(String userId, UserState user) {
        if (!isDue(user, clock.millis()) || reported.asMap().putIfAbsent(userId, Boolean.TRUE) != null) {
            return;
        }
        final UserSeen seen = UserSeen.newBuilder().setEventId(ids.nextIdString()).setTimestamp(clock.instant())
                .setUserId(userId).build();
        send.apply(seen).exceptionally(error -> {
            LOG.warn("The activity of {} was not recorded: {}", userId, error.toString());
            reported.invalidate(userId);
            return null;
        });
    }

    /** True for a known user marked inactive or last seen active longer ago than the interval. */
    static boolean isDue(UserState user, long nowMillis) {
        return user != null && (user.getInactive() || nowMillis - user.getLastActiveAt() >= INTERVAL.toMillis());
    }
}
