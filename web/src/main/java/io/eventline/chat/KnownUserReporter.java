package io.eventline.chat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.auth.Principal;
import io.eventline.producers.EventProducer;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the chat application which users exist: the first time this instance sees a user's valid token, and
 * again at most once per {@link #INTERVAL}, it produces a {@link KnownUser}. Only known users may be added to a
 * group. A token seen again costs one cache lookup; nothing waits for the record.
 */
public final class KnownUserReporter {
    /** A user is reported again after this long, which repairs a report lost on the way at little cost. */
    public static final Duration INTERVAL = Duration.ofDays(1);
    /** Users remembered at once; one evicted earlier is reported again on their next request. */
    static final long MAX_REMEMBERED = 200_000;
    private static final Logger LOG = LoggerFactory.getLogger(KnownUserReporter.class);

    private final EventProducer producer;
    private final Clock clock;
    private final Cache<String, Boolean> reported;

    public KnownUserReporter(EventProducer producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
        this.reported = Caffeine.newBuilder().expireAfterWrite(INTERVAL).maximumSize(MAX_REMEMBERED).build();
    }

    /** Reports the holder of a token that was just verified, unless reported lately; services are not users. */
    public void seen(Principal principal) {
        if (principal.roles().contains(Principal.SERVICE)
                || reported.asMap().putIfAbsent(principal.userId(), Boolean.TRUE) != null) {
            return;
        }
        final String userId = principal.userId();
        try {
            producer.send(KnownUser.newBuilder().setUserId(userId).setSeenAt(clock.instant()).build())
                    .whenComplete((acked, error) -> {
                        if (error != null) {
                            notReported(userId, error);
                        }
                    });
        } catch (RuntimeException e) {
            // the request goes on: its caller is authenticated whether or not the report is stored
            notReported(userId, e);
        }
    }

    private void notReported(String userId, Throwable error) {
        // the next request of the user reports them again
        reported.invalidate(userId);
        LOG.warn("User {} was not reported as known: {}", userId, error.toString());
    }
}
