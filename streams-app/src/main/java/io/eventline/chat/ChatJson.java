package io.eventline.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * JSON views of chat state, shared by the stream's answers, the web layer's reads and the socket frames. IDs
 * travel as strings: they exceed the 53 bits JavaScript numbers hold exactly. Sequence numbers are numbers.
 */
public final class ChatJson {
    /** Builds nodes only; whoever writes them out uses the instance's configured mapper. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ChatJson() {
    }

    public static ObjectNode channel(Channel channel) {
        final ObjectNode node = NODES.objectNode();
        node.put("channelId", channel.getChannelId());
        node.put("type", type(channel.getType()));
        if (channel.getName() != null) {
            node.put("name", channel.getName());
        }
        node.put("createdBy", channel.getCreatedBy());
        node.put("createdAt", channel.getCreatedAt().toString());
        final ArrayNode members = node.putArray("members");
        channel.getMembers().forEach(members::add);
        node.put("memberCount", channel.getMembers().size());
        return node;
    }

    /** One entry of {@code GET /api/v1/me/channels}. */
    public static ObjectNode view(ChannelView view) {
        final ObjectNode node = NODES.objectNode();
        node.put("channelId", view.getChannelId());
        node.put("type", type(view.getType()));
        if (view.getName() != null) {
            node.put("name", view.getName());
        }
        node.put("createdBy", view.getCreatedBy());
        node.put("memberCount", view.getMemberCount());
        if (!view.getMembers().isEmpty()) {
            final ArrayNode members = node.putArray("members");
            view.getMembers().forEach(members::add);
        }
        node.put("lastMessageId", id(view.getLastMessageId()));
        node.put("readMessageId", id(view.getReadMessageId()));
        node.put("unread", view.getUnread());
        return node;
    }

    public static ObjectNode message(ChatMessage message) {
        final ObjectNode node = NODES.objectNode();
        node.put("channelId", message.getChannelId());
        node.put("messageId", Long.toString(message.getMessageId()));
        node.put("senderId", message.getSenderId());
        node.put("clientMessageId", message.getClientMessageId());
        node.put("text", message.getText());
        node.put("createdAt", message.getCreatedAt().toString());
        return node;
    }

    /** A sync queue entry: the message with the user's seq; also the socket's {@code message} frame body. */
    public static ObjectNode entry(SyncEntry entry) {
        final ObjectNode node = NODES.objectNode();
        node.put("seq", entry.getSeq());
        node.setAll(message(entry.getMessage()));
        return node;
    }

    public static ObjectNode presence(PresenceStatus status) {
        final ObjectNode node = NODES.objectNode();
        node.put("userId", status.getUserId());
        node.put("status", status.getStatus().name().toLowerCase(Locale.ROOT));
        node.put("lastActiveAt", status.getLastActiveAt().toString());
        return node;
    }

    public static String type(ChannelType type) {
        return type.name().toLowerCase(Locale.ROOT);
    }

    /** An ID as JSON carries it; 0 (none yet) as null. */
    private static String id(long id) {
        return id == 0 ? null : Long.toString(id);
    }
}
