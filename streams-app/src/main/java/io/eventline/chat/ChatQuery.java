package io.eventline.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads of the chat stores on the instance that owns the key; each method names the partition it needs. */
public final class ChatQuery {
    /** A page of a sync queue: entries after a seq, oldest first. */
    public record SyncPage(List<SyncEntry> entries, long lastSeq, boolean more, long oldestSeq) {
    }

    /** A page of a user's channels, in channel ID order; {@code more} when channels follow the last. */
    public record ChannelsPage(List<ChannelView> channels, boolean more) {
    }

    /** A page of a channel's history: newest first. */
    public record HistoryPage(List<ChatMessage> messages, boolean more) {
    }

    private ChatQuery() {
    }

    /** On the channel's partition. */
    public static Optional<Channel> channel(ReadOnlyKeyValueStore<String, Channel> channels, String channelId) {
        return Optional.ofNullable(channels.get(channelId));
    }

    /** On the channel's partition: up to {@code limit} messages older than {@code before} (all when null). */
    public static HistoryPage history(ReadOnlyKeyValueStore<String, ChatMessage> history, String channelId,
                                      Long before, int limit) {
        final String to = before == null ? ChatKeys.to(channelId) : ChatKeys.history(channelId, before - 1);
        final List<ChatMessage> page = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, ChatMessage> it = history.reverseRange(ChatKeys.from(channelId), to)) {
            while (it.hasNext()) {
                final ChatMessage message = it.next().value;
                if (page.size() == limit) {
                    more = true;
                    break;
                }
                page.add(message);
            }
        }
        return new HistoryPage(page, more);
    }

    /** On the user's partition: the user's channels, in channel ID order. */
    public static List<ChannelView> channels(ReadOnlyKeyValueStore<String, ChannelView> memberships, String userId) {
        final List<ChannelView> views = new ArrayList<>();
        try (KeyValueIterator<String, ChannelView> it = memberships.range(ChatKeys.from(userId), ChatKeys.to(userId))) {
            it.forEachRemaining(entry -> views.add(entry.value));
        }
        return views;
    }

    /**
     * On the user's partition: up to {@code limit} of the user's channels whose IDs sort after {@code after}
     * (from the first when null), in channel ID order.
     */
    public static ChannelsPage channels(ReadOnlyKeyValueStore<String, ChannelView> memberships, String userId,
                                        String after, int limit) {
        final String from = after == null ? ChatKeys.from(userId) : ChatKeys.from(userId, after);
        final List<ChannelView> page = new ArrayList<>();
        try (KeyValueIterator<String, ChannelView> it = memberships.range(from, ChatKeys.to(userId))) {
            while (it.hasNext()) {
                final ChannelView view = it.next().value;
                if (page.size() == limit) {
                    return new ChannelsPage(page, true);
                }
                page.add(view);
            }
        }
        return new ChannelsPage(page, false);
    }

    /** On the user's partition: up to {@code limit} entries of the user's sync queue after {@code after}. */
    public static SyncPage sync(ReadOnlyKeyValueStore<String, SyncEntry> sync,
                                ReadOnlyKeyValueStore<String, ChatUser> users, String userId, long after, int limit) {
        final ChatUser user = users.get(userId);
        final long lastSeq = user == null ? 0 : user.getLastSeq();
        final List<SyncEntry> entries = new ArrayList<>();
        boolean more = false;
        try (KeyValueIterator<String, SyncEntry> it = sync.range(ChatKeys.sync(userId, after + 1),
                ChatKeys.to(userId))) {
            while (it.hasNext()) {
                final KeyValue<String, SyncEntry> next = it.next();
                if (entries.size() == limit) {
                    more = true;
                    break;
                }
                entries.add(next.value);
            }
        }
        return new SyncPage(entries, lastSeq, more, oldestSeq(sync, userId, lastSeq));
    }

    /** The acknowledged cursor of one device; 0 before its first acknowledgement. */
    public static long cursor(ReadOnlyKeyValueStore<String, ChatUser> users, String userId, String device) {
        final ChatUser user = users.get(userId);
        if (user == null) {
            return 0;
        }
        final Long seq = user.getCursors().get(device);
        return seq == null ? 0 : seq;
    }

    private static long oldestSeq(ReadOnlyKeyValueStore<String, SyncEntry> sync, String userId, long lastSeq) {
        try (KeyValueIterator<String, SyncEntry> it = sync.range(ChatKeys.from(userId), ChatKeys.to(userId))) {
            return it.hasNext() ? it.next().value.getSeq() : lastSeq + 1;
        }
    }
}
