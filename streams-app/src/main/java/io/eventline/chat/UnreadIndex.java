package io.eventline.chat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A user's unread messages of one channel in {@link ChatStores#UNREAD}; what a read marker removes. */
final class UnreadIndex {
    private UnreadIndex() {
    }

    /** Removes the channel's unread messages up to and including {@code messageId}; returns how many. */
    static int clear(KeyValueStore<String, Long> unread, String userId, String channelId, long messageId) {
        final List<String> read = new ArrayList<>();
        final String to = messageId == Long.MAX_VALUE ? ChatKeys.to(userId, channelId)
                : ChatKeys.unread(userId, channelId, messageId);
        try (KeyValueIterator<String, Long> it = unread.range(ChatKeys.from(userId, channelId), to)) {
            it.forEachRemaining(entry -> read.add(entry.key));
        }
        read.forEach(unread::delete);
        return read.size();
    }

    /** How many unread messages the channel has. */
    static int count(KeyValueStore<String, Long> unread, String userId, String channelId) {
        int count = 0;
        try (KeyValueIterator<String, Long> it = unread.range(ChatKeys.from(userId, channelId),
                ChatKeys.to(userId, channelId))) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
        return count;
    }
}
