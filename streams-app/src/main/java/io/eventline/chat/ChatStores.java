package io.eventline.chat;

/** The chat application's state stores; keys are described by {@link ChatKeys}. */
public final class ChatStores {
    /** channelId → {@link Channel}, on the channel's partition. */
    public static final String CHANNELS = "chat-channels-store";
    /** channelId NUL messageId → {@link ChatMessage}: each channel's history, oldest first. */
    public static final String HISTORY = "chat-history-store";
    /** messageId NUL channelId → nothing: history in age order, so expiry reads only what expires. */
    public static final String HISTORY_EXPIRY = "chat-history-expiry-store";
    /** Window store, channelId NUL senderId NUL clientMessageId → messageId: resends stored once. */
    public static final String SENDS = "chat-sends-store";
    /** userId → {@link ChatUser}, on the user's partition. */
    public static final String USERS = "chat-users-store";
    /** userId NUL channelId → {@link ChannelView}: the user's channels. */
    public static final String MEMBERSHIPS = "chat-memberships-store";
    /** userId NUL seq → {@link SyncEntry}: the user's sync queue. */
    public static final String SYNC = "chat-sync-store";
    /** userId NUL channelId NUL messageId → seq: the user's unread messages, per channel. */
    public static final String UNREAD = "chat-unread-store";
    /** userId → {@link Presence}. */
    public static final String PRESENCE = "chat-presence-store";
    /** userId → last heartbeat (epoch millis): only users online now, what the offline sweep reads. */
    public static final String ONLINE = "chat-online-store";
    /** Global, userId → {@link PresenceStatus}: every user's presence on every instance. */
    public static final String PRESENCE_STATUS = "chat-presence-status-store";
    /** Global, userId → {@link KnownUser}: the users who may be added to a group, on every instance. */
    public static final String KNOWN_USERS = "chat-known-users-store";

    private ChatStores() {
    }
}
