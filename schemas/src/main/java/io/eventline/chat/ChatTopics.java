package io.eventline.chat;

import io.eventline.topics.Topic;
import java.util.List;

/** Chat's topics. */
public final class ChatTopics {
    /** Channel creations and membership changes, keyed by channelId. */
    public static final Topic<ChannelChangeRequested> CHANNEL_CHANGES =
            Topic.events("chat.channel-changes.v1", "channelId", ChannelChangeRequested.class,
                    ChannelChangeRequested::getChannelId);
    /** Messages as sent, keyed by channelId. */
    public static final Topic<ChatMessageSent> MESSAGES =
            Topic.events("chat.messages.v1", "channelId", ChatMessageSent.class, ChatMessageSent::getChannelId);
    /** Heartbeats and socket connects and disconnects, keyed by userId. */
    public static final Topic<PresenceSignal> PRESENCE =
            Topic.events("chat.presence.v1", "userId", PresenceSignal.class, PresenceSignal::getUserId);
    /** Read markers and sync acknowledgements, keyed by userId. */
    public static final Topic<ChatCursorMoved> CURSORS =
            Topic.events("chat.cursors.v1", "userId", ChatCursorMoved.class, ChatCursorMoved::getUserId);
    /** Internal: messages and membership changes for users' queues, keyed by the first of userIds. */
    public static final Topic<ChatFanout> FANOUT =
            Topic.events("chat.fanout.v1", "userId (the first of userIds)", ChatFanout.class,
                    fanout -> fanout.getUserIds().isEmpty() ? null : fanout.getUserIds().get(0));
    /** What users' open sockets are told, keyed by userId; every instance tails it. */
    public static final Topic<ChatUserEvent> USER_EVENTS =
            Topic.events("chat.user-events.v1", "userId", ChatUserEvent.class, ChatUserEvent::getUserId);
    /** Every user's presence as others see it, keyed by userId; every instance holds all of it. */
    public static final Topic<PresenceStatus> PRESENCE_STATUS =
            Topic.table("chat.presence-status.v1", "userId", PresenceStatus.class, PresenceStatus::getUserId);

    /** The users who may be added to a group, keyed by userId; every instance holds all of it. */
    public static final Topic<KnownUser> KNOWN_USERS =
            Topic.table("chat.known-users.v1", "userId", KnownUser.class, KnownUser::getUserId);

    public static final List<Topic<?>> ALL = List.of(CHANNEL_CHANGES, MESSAGES, PRESENCE, CURSORS, FANOUT,
            USER_EVENTS, PRESENCE_STATUS, KNOWN_USERS);

    private ChatTopics() {
    }
}
