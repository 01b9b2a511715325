package io.eventline.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import io.eventline.notify.InboxEntry;
import io.eventline.notify.NotifyJson;
import java.util.List;
import java.util.Set;

/**
 * The socket protocol's frames: JSON objects with a {@code type}. Clients send {@code send}, {@code heartbeat}
 * and {@code ack}; the server sends {@code hello}, {@code message}, {@code ack}, {@code presence},
 * {@code channel}, {@code notification} and {@code error}.
 */
final class ChatFrames {
    static final Set<String> CLIENT_TYPES = Set.of("send", "heartbeat", "ack");
    private final ObjectMapper json;

    ChatFrames(ObjectMapper json) {
        this.json = json;
    }

    /** A client's frame: a JSON object with a known type; anything else is a 400 problem. */
    JsonNode parse(String text) {
        final JsonNode frame;
        try {
            frame = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ProblemException.badRequest("the frame is not valid JSON: " + e.getOriginalMessage(), List.of());
        }
        if (frame == null || !frame.isObject()) {
            throw ProblemException.badRequest("a frame is a JSON object with a type", List.of());
        }
        final JsonNode type = frame.get("type");
        if (type == null || !type.isTextual() || !CLIENT_TYPES.contains(type.asText())) {
            throw ProblemException.badRequest("unknown frame type", List.of(new FieldError("/type",
                    "must be send, heartbeat or ack")));
        }
        return frame;
    }

    String hello(String device, long cursor, long heartbeatIntervalSeconds) {
        return typed("hello").put("device", device).put("cursor", cursor)
                .put("heartbeatIntervalSeconds", heartbeatIntervalSeconds).toString();
    }

    /** A sync queue entry as {@code ChatJson.entry} writes it. */
    String message(JsonNode entry) {
        final ObjectNode frame = typed("message");
        frame.setAll((ObjectNode) entry);
        return frame.toString();
    }

    /** The answer to a {@code send}: {@code resultJson} is the stored message, as the stream reported it. */
    String ack(String clientMessageId, String channelId, String resultJson) {
        final ObjectNode ack = typed("ack").put("clientMessageId", clientMessageId).put("channelId", channelId);
        final JsonNode messageId;
        try {
            messageId = resultJson == null ? null : json.readTree(resultJson).get("messageId");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stream reported a message that is not JSON: " + resultJson, e);
        }
        if (messageId == null) {
            throw new IllegalStateException("the stream reported a message without an ID: " + resultJson);
        }
        ack.set("messageId", messageId);
        return ack.toString();
    }

    String presence(PresenceStatus status) {
        final ObjectNode frame = typed("presence");
        frame.setAll(ChatJson.presence(status));
        return frame.toString();
    }

    String channel(ChannelView view, boolean removed) {
        final ObjectNode frame = typed("channel");
        frame.setAll(ChatJson.view(view));
        return frame.put("removed", removed).toString();
    }

    String notification(InboxEntry entry) {
        final ObjectNode frame = typed("notification");
        frame.setAll(NotifyJson.inboxEntry(entry));
        return frame.toString();
    }

    /** An error; {@code clientMessageId} ties it to the {@code send} it answers, when there is one. */
    String error(ObjectNode problem, String clientMessageId) {
        final ObjectNode error = typed("error");
        if (clientMessageId != null) {
            error.put("clientMessageId", clientMessageId);
        }
        error.set("problem", problem);
        return error.toString();
    }

    private ObjectNode typed(String type) {
        return json.createObjectNode().put("type", type);
    }
}
