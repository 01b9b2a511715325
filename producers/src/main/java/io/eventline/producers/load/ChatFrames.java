package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The frames of Eventline's chat socket protocol that a client sends ({@code send}, {@code heartbeat},
 * {@code ack}), and what the load generator reads from those it receives.
 */
final class ChatFrames {
    static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

    private ChatFrames() {
    }

    static String send(String channelId, String text, String clientMessageId) {
        final ObjectNode frame = ChatSocket.JSON.createObjectNode();
        frame.put("type", "send");
        frame.put("channelId", channelId);
        frame.put("text", text);
        frame.put("clientMessageId", clientMessageId);
        return frame.toString();
    }

    static String ack(long seq) {
        return "{\"type\":\"ack\",\"seq\":" + seq + "}";
    }

    /** The client message ID of message {@code index} of run {@code run}: {@code <run>-<index>}. */
    static String clientMessageId(String run, long index) {
        return run + "-" + index;
    }

    /** The message index of a client message ID of run {@code run}, or -1 if it is not one of that run's. */
    static long messageIndex(String run, String clientMessageId) {
        if (clientMessageId == null || clientMessageId.length() <= run.length() + 1
                || !clientMessageId.startsWith(run) || clientMessageId.charAt(run.length()) != '-') {
            return -1;
        }
        long index = 0;
        for (int i = run.length() + 1; i < clientMessageId.length(); i++) {
            final char c = clientMessageId.charAt(i);
            if (c < '0' || c > '9' || index > (Long.MAX_VALUE - 9) / 10) {
                return -1;
            }
            index = index * 10 + (c - '0');
        }
        return index;
    }

    /**
     * A message text of exactly {@code length} characters (at least the label's), starting with {@code label} so
     * a person reading a channel sees which message it is.
     */
    static String text(String label, int length) {
        final StringBuilder text = new StringBuilder(Math.max(length, label.length())).append(label);
        while (text.length() < length) {
            text.append(text.length() == label.length() ? ' ' : (char) ('a' + text.length() % 26));
        }
        return text.toString();
    }

    /**
     * How an {@code error} frame is counted: the problem's status and title, e.g. {@code 429 Too Many Requests},
     * or its type, or {@code error}; then its detail up to the first semicolon, at most 60 characters, since one
     * status can have several causes.
     */
    static String problemName(JsonNode frame) {
        final JsonNode problem = frame.path("problem");
        final String title = problem.path("title").asText("");
        final String type = problem.path("type").asText("");
        final String name = !title.isEmpty() ? title : !type.isEmpty() ? type : "error";
        String detail = problem.path("detail").asText("");
        if (detail.indexOf(';') >= 0) {
            detail = detail.substring(0, detail.indexOf(';'));
        }
        if (detail.length() > 60) {
            detail = detail.substring(0, 57) + "...";
        }
        return (problem.has("status") ? problem.path("status").asText() + " " : "") + name
                + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** The client message ID an {@code error} frame refers to, in the frame or in its problem; null if none. */
    static String problemClientMessageId(JsonNode frame) {
        final JsonNode direct = frame.get("clientMessageId");
        if (direct != null && direct.isTextual()) {
            return direct.asText();
        }
        final JsonNode nested = frame.path("problem").get("clientMessageId");
        return nested != null && nested.isTextual() ? nested.asText() : null;
    }

    /** {@code 1,000}: counts as the reports print them. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
