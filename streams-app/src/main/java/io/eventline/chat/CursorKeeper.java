package io.eventline.chat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Moves read markers (which drive unread counts) and devices' sync cursors (the book's
 * {@code cur_max_message_id}, per device), on the user's partition. Both only move forward. A user keeps at most
 * {@code maxDevices} cursors: a new device beyond them replaces the cursor furthest behind, which belongs to the
 * device that acknowledged least recently (a device coming back without its cursor reads the queue from its
 * oldest entry).
 */
final class CursorKeeper extends ChatProcessor<ChatCursorMoved> {
    /** Builds nodes only; whoever writes them out uses the instance's configured mapper. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEVICE_LENGTH = 64;
    private final int maxDevices;
    private KeyValueStore<String, ChatUser> users;
    private KeyValueStore<String, ChannelView> memberships;
    private KeyValueStore<String, Long> unread;

    CursorKeeper(int maxDevices) {
        this.maxDevices = maxDevices;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        users = context.getStateStore(ChatStores.USERS);
        memberships = context.getStateStore(ChatStores.MEMBERSHIPS);
        unread = context.getStateStore(ChatStores.UNREAD);
    }

    @Override
    void handle(Record<String, ChatCursorMoved> record) {
        final ChatCursorMoved moved = record.value();
        switch (moved.getKind()) {
            case READ -> read(record, moved);
            case SYNC_ACK -> acknowledge(record, moved);
            default -> throw new IllegalArgumentException("unknown cursor " + moved.getKind());
        }
    }

    private void read(Record<?, ?> record, ChatCursorMoved moved) {
        final String userId = moved.getUserId();
        final String channelId = moved.getChannelId();
        final ChannelView view = channelId == null || moved.getMessageId() == null ? null
                : memberships.get(ChatKeys.membership(userId, channelId));
        if (view == null) {
            notMember(record, moved.getEventId(), userId, String.valueOf(channelId));
            return;
        }
        final long messageId = Math.min(moved.getMessageId(), view.getLastMessageId());
        if (messageId > view.getReadMessageId()) {
            UnreadIndex.clear(unread, userId, channelId, messageId);
            view.setReadMessageId(messageId);
            view.setUnread(UnreadIndex.count(unread, userId, channelId));
            memberships.put(ChatKeys.membership(userId, channelId), view);
            // the user's other devices update their badges
            emit(record, userId, ChatUserEvent.newBuilder().setUserId(userId).setChannel(view).build());
        }
        final ObjectNode result = NODES.objectNode();
        result.put("channelId", channelId);
        result.put("readMessageId", view.getReadMessageId() == 0 ? null : Long.toString(view.getReadMessageId()));
        result.put("unread", view.getUnread());
        accepted(record, moved.getEventId(), userId, 200, result.toString());
    }

    private void acknowledge(Record<?, ?> record, ChatCursorMoved moved) {
        final String userId = moved.getUserId();
        final String device = moved.getDevice();
        if (!ChatKeys.usable(device) || device.length() > MAX_DEVICE_LENGTH || moved.getSeq() == null
                || moved.getSeq() < 0) {
            rejected(record, moved.getEventId(), userId, 400, "invalid-request", "Invalid acknowledgement",
                    "a device of 1-" + MAX_DEVICE_LENGTH + " characters and a non-negative seq are required");
            return;
        }
        final ChatUser user = SyncQueue.userOf(users, userId);
        final Map<String, Long> cursors = new HashMap<>(user.getCursors());
        final long seq = Math.max(cursors.getOrDefault(device, 0L), Math.min(moved.getSeq(), user.getLastSeq()));
        if (!Long.valueOf(seq).equals(cursors.get(device))) {
            if (!cursors.containsKey(device)) {
                while (cursors.size() >= maxDevices) {
                    cursors.remove(furthestBehind(cursors));
                }
            }
            cursors.put(device, seq);
            user.setCursors(cursors);
            users.put(userId, user);
        }
        final ObjectNode result = NODES.objectNode();
        result.put("device", device);
        result.put("seq", seq);
        accepted(record, moved.getEventId(), userId, 200, result.toString());
    }

    private static String furthestBehind(Map<String, Long> cursors) {
        return cursors.entrySet().stream()
                .min(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }
}
