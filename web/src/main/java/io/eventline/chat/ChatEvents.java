package io.eventline.chat;

import java.time.Instant;
import java.util.List;

/** The chat events the web layer produces, built in one place for the HTTP routes and the sockets alike. */
final class ChatEvents {
    private ChatEvents() {
    }

    static ChannelChangeRequested create(String eventId, String channelId, String actorId,
                                         ChatRequests.NewChannel channel, Instant now) {
        return ChannelChangeRequested.newBuilder().setEventId(eventId).setChannelId(channelId)
                .setKind(ChannelChangeKind.CREATE).setActorId(actorId).setType(channel.type())
                .setName(channel.name()).setMembers(List.copyOf(channel.members())).setMemberId(null)
                .setRequestedAt(now).build();
    }

    static ChannelChangeRequested member(String eventId, String channelId, String actorId, String memberId,
                                         boolean add, Instant now) {
        return ChannelChangeRequested.newBuilder().setEventId(eventId).setChannelId(channelId)
                .setKind(add ? ChannelChangeKind.ADD_MEMBER : ChannelChangeKind.REMOVE_MEMBER)
                .setActorId(actorId).setType(null).setName(null).setMembers(List.of()).setMemberId(memberId)
                .setRequestedAt(now).build();
    }

    static ChatMessageSent message(String eventId, String channelId, String senderId,
                                   ChatRequests.NewMessage message, String device, Instant now) {
        return ChatMessageSent.newBuilder().setEventId(eventId).setChannelId(channelId).setSenderId(senderId)
                .setClientMessageId(message.clientMessageId()).setText(message.text()).setDevice(device)
                .setSentAt(now).build();
    }

    static ChatCursorMoved read(String eventId, String userId, String channelId, long messageId, Instant now) {
        return ChatCursorMoved.newBuilder().setEventId(eventId).setUserId(userId).setKind(ChatCursorKind.READ)
                .setChannelId(channelId).setMessageId(messageId).setDevice(null).setSeq(null).setAt(now).build();
    }

    /** A device's acknowledgement; {@code eventId} is null when nobody awaits its outcome. */
    static ChatCursorMoved syncAck(String eventId, String userId, String device, long seq, Instant now) {
        return ChatCursorMoved.newBuilder().setEventId(eventId).setUserId(userId).setKind(ChatCursorKind.SYNC_ACK)
                .setChannelId(null).setMessageId(null).setDevice(device).setSeq(seq).setAt(now).build();
    }

    /** A sign of life; {@code device} is null for a heartbeat over HTTP. */
    static PresenceSignal presence(String userId, PresenceSignalKind kind, String device, String instanceId,
                                   Instant now) {
        return PresenceSignal.newBuilder().setUserId(userId).setKind(kind).setDevice(device)
                .setInstanceId(instanceId).setAt(now).build();
    }
}
