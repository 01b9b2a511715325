package io.eventline.chat;

import io.eventline.auth.Principal;
import io.eventline.clients.EventProducer;
import io.eventline.operations.OncePerInterval;
import java.time.Clock;
import java.time.Duration;

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
    private final EventProducer producer;
    private final Clock clock;
    private final OncePerInterval reports = new OncePerInterval("That the user is known", INTERVAL, MAX_REMEMBERED);

    public KnownUserReporter(EventProducer producer, Clock clock) {
        this.producer = producer;
        this.clock = clock;
    }

    /** Reports the holder of a token that was just verified, unless reported lately; services are not users. */
    public void seen(Principal principal) {
        if (principal.roles().contains(Principal.SERVICE)) {
            return;
        }
        final String userId = principal.userId();
        reports.send(userId, () -> producer.send(ChatTopics.KNOWN_USERS, KnownUser.newBuilder().setUserId(userId)
                .setSeenAt(clock.instant()).build()));
    }
}
