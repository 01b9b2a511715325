package io.eventline.notify;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** A user's in-app notifications, newest first, at most a limit of them; unread ones counted on the recipient. */
final class Inbox {
    private final KeyValueStore<String, InboxEntry> entries;
    private final KeyValueStore<String, String> index;

    Inbox(KeyValueStore<String, InboxEntry> entries, KeyValueStore<String, String> index) {
        this.entries = entries;
        this.index = index;
    }

    /** Adds {@code entry} and drops the oldest beyond {@code limit}; updates (but does not store) {@code recipient}. */
    void add(Recipient recipient, InboxEntry entry, int limit) {
        final String userId = recipient.getUserId();
        final String key = InboxKeys.entry(userId, entry.getCreatedAt().toEpochMilli(), entry.getNotificationId());
        entries.put(key, entry);
        index.put(InboxKeys.index(userId, entry.getNotificationId()), key);
        recipient.setUnread(recipient.getUnread() + 1);
        recipient.setInboxSize(recipient.getInboxSize() + 1);
        while (recipient.getInboxSize() > limit && dropOldest(recipient)) {
            // one at a time: normally exactly one entry is over the limit
        }
    }

    /** Marks the entry read; false when the user has no such entry. Updates (but does not store) {@code recipient}. */
    boolean markRead(Recipient recipient, String notificationId) {
        final String key = index.get(InboxKeys.index(recipient.getUserId(), notificationId));
        final InboxEntry entry = key == null ? null : entries.get(key);
        if (entry == null) {
            return false;
        }
        if (!entry.getRead()) {
            entry.setRead(true);
            entries.put(key, entry);
            recipient.setUnread(Math.max(0, recipient.getUnread() - 1));
        }
        return true;
    }

    private boolean dropOldest(Recipient recipient) {
        final String userId = recipient.getUserId();
        try (KeyValueIterator<String, InboxEntry> oldest = entries.reverseRange(InboxKeys.after(userId, null),
                InboxKeys.end(userId))) {
            if (!oldest.hasNext()) {
                recipient.setInboxSize(0);
                return false;
            }
            final KeyValue<String, InboxEntry> last = oldest.next();
            entries.delete(last.key);
            index.delete(InboxKeys.index(userId, last.value.getNotificationId()));
            if (!last.value.getRead()) {
                recipient.setUnread(Math.max(0, recipient.getUnread() - 1));
            }
            recipient.setInboxSize(recipient.getInboxSize() - 1);
            return true;
        }
    }
}
