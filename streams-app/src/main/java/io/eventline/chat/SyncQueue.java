package io.eventline.chat;

import io.eventline.notify.DefaultTemplates;
import io.eventline.notify.NotificationRequested;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The per-user inbox of the book's design, on the user's partition: each message becomes the next entry of
 * the user's sync queue (numbered 1, 2, 3...), moves the channel's unread count, and is told to the user's
 * sockets; a user with no device connected gets a push instead. Membership changes update the user's view of
 * the channel.
 */
final class SyncQueue extends ChatProcessor<ChatFanout> {
    /** A push carries the start of the text only; the app fetches the rest. */
    static final int PUSH_TEXT_CHARS = 200;
    /** How many expired entries one append removes at most, so a long-idle queue shrinks gradually. */
    private static final int TRIM_BATCH = 100;
    /** Trimming looks at the queue's head every this many entries, not on every append. */
    private static final int TRIM_EVERY = 64;
    /** Queues of users who get nothing new are trimmed by a sweep, this many users per wall-clock tick. */
    static final int SWEEP_USERS = 500;
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);

    private final ChatSettings settings;
    private KeyValueStore<String, ChatUser> users;
    private KeyValueStore<String, ChannelView> memberships;
    private KeyValueStore<String, SyncEntry> sync;
    private KeyValueStore<String, Long> unread;
    private KeyValueStore<String, Presence> presence;
    private String sweepFrom;

    SyncQueue(ChatSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        users = context.getStateStore(ChatStores.USERS);
        memberships = context.getStateStore(ChatStores.MEMBERSHIPS);
        sync = context.getStateStore(ChatStores.SYNC);
        unread = context.getStateStore(ChatStores.UNREAD);
        presence = context.getStateStore(ChatStores.PRESENCE);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> sweep());
    }

    @Override
    void handle(Record<String, ChatFanout> record) {
        final ChatFanout fanout = record.value();
        for (String userId : fanout.getUserIds()) {
            if (fanout.getMessage() != null) {
                deliver(record, userId, fanout.getMessage());
            } else if (fanout.getChannel() != null) {
                membership(record, userId, fanout);
            }
        }
    }

    private void deliver(Record<?, ?> record, String userId, ChatMessage message) {
        final String channelId = message.getChannelId();
        final ChannelView view = memberships.get(ChatKeys.membership(userId, channelId));
        if (view == null) {
            // left before the message; the channel's own partition decided otherwise only if the two crossed
            return;
        }
        final long messageId = message.getMessageId();
        if (messageId <= view.getLastMessageId()) {
            // told again: the channel's step is at-least-once and tells again what a crash may have cut short
            return;
        }
        final ChatUser user = userOf(users, userId);
        final long seq = user.getLastSeq() + 1;
        // by reference: the text is read from the channel's history when the entry is delivered
        final SyncEntry entry = new SyncEntry(seq, ChatMessage.newBuilder(message).setText("").build());
        sync.put(ChatKeys.sync(userId, seq), entry);
        user.setLastSeq(seq);
        users.put(userId, user);

        view.setLastMessageId(Math.max(view.getLastMessageId(), messageId));
        final boolean own = message.getSenderId().equals(userId);
        if (own) {
            if (messageId > view.getReadMessageId()) {
                // a reply reads what came before it; left in the index, those would stay unread for good, since
                // no read marker can move past the reply's
                UnreadIndex.clear(unread, userId, channelId, messageId);
                view.setReadMessageId(messageId);
                view.setUnread(UnreadIndex.count(unread, userId, channelId));
            }
        } else if (messageId > view.getReadMessageId()) {
            unread.put(ChatKeys.unread(userId, channelId, messageId), seq);
            view.setUnread(view.getUnread() + 1);
        }
        memberships.put(ChatKeys.membership(userId, channelId), view);
        emit(record, userId, ChatUserEvent.newBuilder().setUserId(userId).setEntry(entry).build());
        if (!own && !hasConnectedDevice(userId)) {
            emit(record, userId, push(userId, view, message));
        }
        if (seq % TRIM_EVERY == 0) {
            trim(userId);
        }
    }

    private void membership(Record<?, ?> record, String userId, ChatFanout fanout) {
        final ChannelView change = fanout.getChannel();
        final String key = ChatKeys.membership(userId, change.getChannelId());
        final ChannelView existing = memberships.get(key);
        if (fanout.getRemoved()) {
            if (existing == null) {
                return;
            }
            countChannels(userId, -1);
            memberships.delete(key);
            UnreadIndex.clear(unread, userId, change.getChannelId(), Long.MAX_VALUE);
            emit(record, userId, ChatUserEvent.newBuilder().setUserId(userId).setChannel(change).setRemoved(true)
                    .build());
            return;
        }
        final ChatAnswer answer = fanout.getAnswer();
        if (existing != null && answer != null) {
            // a channel opened again by a member who has its view: nothing changes but the answer
            accepted(record, fanout.getEventId(), answer.getActorId(), answer.getStatus(), answer.getBody());
            return;
        }
        if (existing == null && !countChannels(userId, 1)) {
            refuse(record, userId, fanout);
            return;
        }
        final ChannelView view = ChannelView.newBuilder(change).build();
        if (existing == null) {
            // a new member starts with nothing unread: what came before the join is history, not news
            view.setReadMessageId(change.getLastMessageId());
        } else {
            view.setLastMessageId(Math.max(existing.getLastMessageId(), change.getLastMessageId()));
            view.setReadMessageId(existing.getReadMessageId());
            view.setUnread(existing.getUnread());
            view.setJoinedAt(existing.getJoinedAt());
        }
        memberships.put(key, view);
        emit(record, userId, ChatUserEvent.newBuilder().setUserId(userId).setChannel(view).build());
        if (answer != null) {
            accepted(record, fanout.getEventId(), answer.getActorId(), answer.getStatus(), answer.getBody());
        }
    }

    /**
     * Moves the user's channel count by {@code delta}; false, changing nothing, when adding would pass the
     * limit. A count not kept yet is counted once from the user's views.
     */
    private boolean countChannels(String userId, int delta) {
        final ChatUser user = userOf(users, userId);
        final int count = user.getChannelCount() != null ? user.getChannelCount() : viewCount(userId);
        if (delta > 0 && count + delta > settings.maxChannelsPerUser()) {
            return false;
        }
        user.setChannelCount(Math.max(0, count + delta));
        users.put(userId, user);
        return true;
    }

    private int viewCount(String userId) {
        int count = 0;
        try (KeyValueIterator<String, ChannelView> it = memberships.range(ChatKeys.from(userId), ChatKeys.to(userId))) {
            for (; it.hasNext(); it.next()) {
                count++;
            }
        }
        return count;
    }

    /**
     * A user at their channel limit is not taken in: whoever awaits the change hears 409, and a group drops the
     * user again, so its members see who is really in it. A direct channel keeps its pair; the refused user gets
     * its view once they open it again with room to spare.
     */
    private void refuse(Record<?, ?> record, String userId, ChatFanout fanout) {
        final ChannelView change = fanout.getChannel();
        final ChatAnswer answer = fanout.getAnswer();
        if (answer != null) {
            rejected(record, fanout.getEventId(), answer.getActorId(), 409, "channel-limit", "Channel limit",
                    (userId.equals(answer.getActorId()) ? "you are" : "'" + userId + "' is") + " in "
                            + settings.maxChannelsPerUser() + " channels, the most one user may be in");
        }
        if (change.getType() == ChannelType.GROUP) {
            emit(record, change.getChannelId(), ChannelChangeRequested.newBuilder().setEventId(null)
                    .setChannelId(change.getChannelId()).setKind(ChannelChangeKind.REMOVE_MEMBER).setActorId(userId)
                    .setMemberId(userId).setRequestedAt(Instant.ofEpochMilli(record.timestamp())).build());
        }
    }

    /** The user's queue head and cursors; an empty one before the first entry. */
    static ChatUser userOf(KeyValueStore<String, ChatUser> users, String userId) {
        final ChatUser user = users.get(userId);
        return user != null ? user : ChatUser.newBuilder().setUserId(userId).setLastSeq(0)
                .setCursors(new HashMap<>()).build();
    }

    private boolean hasConnectedDevice(String userId) {
        final Presence current = presence.get(userId);
        if (current == null) {
            return false;
        }
        final long freshSince = context.currentSystemTimeMs() - settings.offlineAfter().toMillis();
        return current.getDevices().values().stream().anyMatch(lastHeartbeat -> lastHeartbeat >= freshSince);
    }

    /** A push for the message; its event ID is the message's, so a repeat is never notified twice. */
    private NotificationRequested push(String userId, ChannelView view, ChatMessage message) {
        final String text = message.getText();
        final Map<String, String> params = new HashMap<>();
        params.put("sender", message.getSenderId());
        params.put("channelName", view.getName() != null ? view.getName() : message.getSenderId());
        params.put("text", text.length() <= PUSH_TEXT_CHARS ? text : text.substring(0, PUSH_TEXT_CHARS) + "…");
        return NotificationRequested.newBuilder().setEventId("chat:" + message.getMessageId()).setUserId(userId)
                .setTemplate(DefaultTemplates.CHAT_MESSAGE).setParams(params)
                .setCreatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).setRequestedBy("chat").build();
    }

    /**
     * Trims the queues of the next {@link #SWEEP_USERS} users, resuming where the last tick stopped: a queue that
     * gets no new entries shrinks too, and no tick holds the stream thread for long however many users there are.
     */
    private void sweep() {
        final List<String> batch = new ArrayList<>(SWEEP_USERS);
        try (KeyValueIterator<String, ChatUser> it = users.range(sweepFrom, null)) {
            while (it.hasNext() && batch.size() < SWEEP_USERS) {
                batch.add(it.next().key);
            }
        }
        batch.forEach(this::trim);
        // the smallest key after the last one swept; from the start again once a tick reached the end
        sweepFrom = batch.size() < SWEEP_USERS ? null : batch.get(batch.size() - 1) + '\0';
    }

    /** Drops the oldest entries once they are older than the sync retention; devices that far behind resync. */
    private void trim(String userId) {
        final long cutoff = context.currentSystemTimeMs() - settings.syncRetention().toMillis();
        final List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, SyncEntry> it = sync.range(ChatKeys.from(userId), ChatKeys.to(userId))) {
            while (it.hasNext() && expired.size() < TRIM_BATCH) {
                final KeyValue<String, SyncEntry> next = it.next();
                if (next.value.getMessage().getCreatedAt().toEpochMilli() >= cutoff) {
                    break;
                }
                expired.add(next.key);
            }
        }
        expired.forEach(sync::delete);
    }
}
