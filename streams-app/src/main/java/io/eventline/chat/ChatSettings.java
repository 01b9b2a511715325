package io.eventline.chat;

import java.time.Duration;

/**
 * How chat and presence behave.
 *
 * @param maxGroupMembers    how many members a group may have (the book's 100)
 * @param maxMessageChars    the longest message text, in characters (the book's 100,000)
 * @param historyRetention   how long a channel keeps its messages
 * @param syncRetention      how long a user's sync queue keeps an entry for devices that have not caught up
 * @param dedupeRetention    how long a resend with the same clientMessageId is recognised
 * @param heartbeatInterval  how often clients are asked to send a heartbeat
 * @param offlineAfter       a user without a heartbeat this long is offline
 * @param presencePushMaxGroup groups up to this size push presence changes to their members; larger ones are
 *                           read on demand
 * @param socketOutboxBytes  frames waiting to be sent to one socket may hold this much memory (two bytes a
 *                           character); a socket whose client reads slower is closed and catches up on reconnect
 * @param maxDevices         sync cursors kept per user; a new device beyond them replaces the one furthest behind
 * @param maxChannelsPerUser channels (groups and direct) one user may be in; anyone can add anyone, so without it
 *                           a stranger could grow another user's channel list without end
 * @param partitions         the partition count of chat's topics, which fan-out and presence group users by
 */
public record ChatSettings(int maxGroupMembers, int maxMessageChars, Duration historyRetention,
                           Duration syncRetention, Duration dedupeRetention, Duration heartbeatInterval,
                           Duration offlineAfter, int presencePushMaxGroup, long socketOutboxBytes,
                           int maxDevices, int maxChannelsPerUser, int partitions) {
    /** The smallest outbox cap: room for the largest frame a socket may be sent, a full message, twice over. */
    public static final long MIN_SOCKET_OUTBOX_BYTES = 2L * 1024 * 1024;

    /**
     * How often a socket passes its client's heartbeats on to the presence stream: a third of the timeout, so
     * two may go missing, and never more often than clients send them. A socket's close carries when it last
     * heard from its client, so the timeout still runs from the last heartbeat of a closed socket.
     */
    public Duration heartbeatForwardInterval() {
        final Duration third = offlineAfter.dividedBy(3);
        return third.compareTo(heartbeatInterval) > 0 ? third : heartbeatInterval;
    }

    public ChatSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        }
    }

    /** The defaults, as documented, for topics of {@code partitions} partitions. */
    public static ChatSettings defaults(int partitions) {
        return new ChatSettings(100, 100_000, Duration.ofDays(365), Duration.ofDays(30), Duration.ofDays(1),
                Duration.ofSeconds(5), Duration.ofSeconds(30), 20, 4L * 1024 * 1024, 20, 1_000, partitions);
    }
}
