package io.eventline.chat;

import io.eventline.kafka.Partitions;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;

/**
 * Hands messages and membership changes from a channel's partition to its members' partitions: one record per
 * destination partition, keyed by its first user, which lands it there.
 */
final class Fanout {
    /** One character more than a push shows, so that the push knows to mark the text as cut. */
    static final int PREVIEW_CHARS = SyncQueue.PUSH_TEXT_CHARS + 1;
    private final Partitions partitions;
    private final int presencePushMaxGroup;

    Fanout(Partitions partitions, int presencePushMaxGroup) {
        this.partitions = partitions;
        this.presencePushMaxGroup = presencePushMaxGroup;
    }

    /**
     * The message by reference: its text stays in the channel's history, and only its start travels, as much as
     * a push shows, so the bytes written per member do not grow with the message.
     */
    void message(List<String> members, ChatMessage message, Consumer<KeyValue<String, ChatFanout>> out) {
        final ChatMessage reference = message.getText().length() <= PREVIEW_CHARS ? message
                : ChatMessage.newBuilder(message).setText(message.getText().substring(0, PREVIEW_CHARS)).build();
        for (List<String> batch : partitions.batches(members)) {
            out.accept(KeyValue.pair(batch.get(0), ChatFanout.newBuilder().setUserIds(batch).setMessage(reference)
                    .build()));
        }
    }

    void channel(List<String> users, ChannelView view, boolean removed, String eventId,
                 Consumer<KeyValue<String, ChatFanout>> out) {
        for (List<String> batch : partitions.batches(users)) {
            out.accept(KeyValue.pair(batch.get(0), ChatFanout.newBuilder().setUserIds(batch).setChannel(view)
                    .setRemoved(removed).setEventId(eventId).build()));
        }
    }

    /** The channel for one user, with the answer that user's partition gives once it has taken them in. */
    KeyValue<String, ChatFanout> admission(String userId, ChannelView view, String eventId, ChatAnswer answer) {
        return KeyValue.pair(userId, ChatFanout.newBuilder().setUserIds(List.of(userId)).setChannel(view)
                .setEventId(eventId).setAnswer(answer).build());
    }

    /**
     * The channel as each member sees it, without the per-user fields. Members are listed while the channel is
     * small enough that its members hear each other's presence changes.
     */
    ChannelView viewOf(Channel channel, Instant at) {
        final boolean small = channel.getType() == ChannelType.DIRECT
                || channel.getMembers().size() <= presencePushMaxGroup;
        return ChannelView.newBuilder().setChannelId(channel.getChannelId()).setType(channel.getType())
                .setName(channel.getName()).setCreatedBy(channel.getCreatedBy())
                .setMemberCount(channel.getMembers().size())
                .setMembers(small ? List.copyOf(channel.getMembers()) : List.of())
                .setLastMessageId(channel.getLastMessageId()).setReadMessageId(0).setUnread(0).setJoinedAt(at)
                .build();
    }
}
