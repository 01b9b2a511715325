package io.eventline.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.auth.Digests;
import io.eventline.auth.Users;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException.FieldError;
import io.eventline.http.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates chat requests, from HTTP bodies and socket frames alike; every violation is reported by
 * JSON pointer. Text lengths count code points.
 */
final class ChatRequests {
    static final int MAX_NAME_CHARS = 100;
    static final int MAX_CLIENT_MESSAGE_ID_CHARS = 128;
    static final Pattern DEVICE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final int DEFAULT_HISTORY_LIMIT = 50;
    static final int MAX_HISTORY_LIMIT = 200;
    static final int DEFAULT_SYNC_LIMIT = 100;
    static final int MAX_SYNC_LIMIT = 500;

    /** A channel to create: its type, a group's name, and the members besides the creator. */
    record NewChannel(ChannelType type, String name, List<String> members) {
    }

    /** A message as its sender sends it. */
    record NewMessage(String text, String clientMessageId) {
    }

    private ChatRequests() {
    }

    /**
     * {@code {"type":"direct","members":["bob"]}} or {@code {"type":"group","name":"...","members":[...]}}.
     * A group of more than {@code maxGroupMembers}, the creator included, is a 409.
     */
    static NewChannel channel(JsonNode body, String creator, int maxGroupMembers) {
        final List<FieldError> errors = new ArrayList<>();
        final String type = JsonBodies.requiredText(body, "type", errors);
        final List<String> members = members(body.get("members"), errors);
        final boolean direct = "direct".equals(type);
        if (type != null && !direct && !"group".equals(type)) {
            errors.add(new FieldError("/type", "must be direct or group"));
        }
        if (direct) {
            if (members.size() != 1) {
                errors.add(new FieldError("/members", "a direct channel has exactly one other member"));
            } else if (members.get(0).equals(creator)) {
                errors.add(new FieldError("/members/0", "a direct channel is with another user"));
            }
            requireNone(errors);
            return new NewChannel(ChannelType.DIRECT, null, members);
        }
        final String name = "group".equals(type) ? name(body, errors) : null;
        requireNone(errors);
        final Set<String> others = new LinkedHashSet<>(members);
        others.remove(creator);
        if (others.size() + 1 > maxGroupMembers) {
            throw groupFull(others.size() + 1, maxGroupMembers);
        }
        return new NewChannel(ChannelType.GROUP, name, List.copyOf(others));
    }

    static ProblemException groupFull(int members, int maxGroupMembers) {
        return new ProblemException(409, "group-full", "Group full", "a group has at most " + maxGroupMembers
                + " members, the creator included; this one would have " + members);
    }

    /**
     * {@code {"text","clientMessageId"}}: text of 1 to {@code maxChars} characters (more is a 413) and a client
     * message ID of 1-128 characters.
     */
    static NewMessage message(JsonNode body, int maxChars) {
        final List<FieldError> errors = new ArrayList<>();
        final String text = JsonBodies.requiredText(body, "text", errors);
        if (text != null) {
            final int chars = text.codePointCount(0, text.length());
            if (chars > maxChars) {
                throw new ProblemException(413, "message-too-long", "Message too long",
                        "the text has " + chars + " characters; at most " + maxChars + " are allowed",
                        List.of(new FieldError("/text", "at most " + maxChars + " characters")), Map.of());
            }
            if (chars == 0) {
                errors.add(new FieldError("/text", "must not be empty"));
            }
        }
        final String clientMessageId = JsonBodies.requiredText(body, "clientMessageId", errors);
        if (clientMessageId != null && (clientMessageId.isEmpty()
                || clientMessageId.codePointCount(0, clientMessageId.length()) > MAX_CLIENT_MESSAGE_ID_CHARS
                || !ChatKeys.usable(clientMessageId) || clientMessageId.chars().anyMatch(Character::isISOControl))) {
            errors.add(new FieldError("/clientMessageId",
                    "must be 1-" + MAX_CLIENT_MESSAGE_ID_CHARS + " characters without control characters"));
        }
        requireNone(errors);
        return new NewMessage(text, clientMessageId);
    }

    /** A message ID in a body field: the decimal string the API hands out (a number is accepted too). */
    static long messageId(JsonNode body, String field) {
        final JsonNode value = body.get(field);
        final long id = value == null || value.isNull() ? -1 : parseId(value.isNumber() ? value.asText()
                : value.isTextual() ? value.asText() : "");
        if (id <= 0) {
            throw invalid("/" + field, value == null || value.isNull() ? "is required" : "must be a message ID");
        }
        return id;
    }

    /** A message ID in a query parameter, or null when absent. */
    static Long messageIdParam(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        final long id = parseId(raw);
        if (id <= 0) {
            throw invalid("/" + name, "must be a message ID");
        }
        return id;
    }

    /** A sync sequence number in a query parameter ({@code >= 0}), or null when absent. */
    static Long seqParam(String raw, String name) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        final long seq = parseId(raw);
        if (seq < 0) {
            throw invalid("/" + name, "must be a sequence number (0 or more)");
        }
        return seq;
    }

    /** {@code {"device","seq"}} of a sync acknowledgement. */
    static long ackSeq(JsonNode body) {
        final JsonNode seq = body.get("seq");
        if (seq == null || !seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 0) {
            throw invalid("/seq", seq == null || seq.isNull() ? "is required"
                    : "must be a sequence number (0 or more)");
        }
        return seq.asLong();
    }

    /**
     * The device name of a socket opened without one: the same for every socket opened with one token, so a
     * client that never names its device keeps one sync cursor per sign-in, not one per connection.
     */
    static String unnamedDevice(String token) {
        return "web-" + HexFormat.of().formatHex(Digests.sha256(token), 0, 8);
    }

    /** A device name: 1-64 of letters, digits, dot, underscore and dash. */
    static String device(String device, String pointer) {
        if (device == null || !DEVICE.matcher(device).matches()) {
            throw invalid(pointer, device == null ? "is required" : "must be 1-64 of A-Z a-z 0-9 . _ -");
        }
        return device;
    }

    /** A page size from {@code ?limit=}: {@code fallback} when absent, 1 to {@code max}. */
    static int limit(String raw, int fallback, int max) {
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            final int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid("/limit", "must be an integer from 1 to " + max);
    }

    /** Whether {@code id} can be a member: a valid user ID that store keys can hold. */
    static boolean isUserId(String id) {
        return id != null && Users.isValidId(id) && ChatKeys.usable(id);
    }

    private static List<String> members(JsonNode node, List<FieldError> errors) {
        final List<String> members = new ArrayList<>();
        if (node == null || node.isNull()) {
            return members;
        }
        if (!node.isArray()) {
            errors.add(new FieldError("/members", "must be an array of user IDs"));
            return members;
        }
        for (int i = 0; i < node.size(); i++) {
            final JsonNode member = node.get(i);
            if (!member.isTextual() || !isUserId(member.asText())) {
                errors.add(new FieldError("/members/" + i, "must be a user ID"));
            } else {
                members.add(member.asText());
            }
        }
        return members;
    }

    private static String name(JsonNode body, List<FieldError> errors) {
        final String name = JsonBodies.requiredText(body, "name", errors);
        if (name == null) {
            return null;
        }
        final String trimmed = name.strip();
        final int chars = trimmed.codePointCount(0, trimmed.length());
        if (chars < 1 || chars > MAX_NAME_CHARS || trimmed.chars().anyMatch(Character::isISOControl)) {
            errors.add(new FieldError("/name", "must be 1-" + MAX_NAME_CHARS + " characters"));
            return null;
        }
        return trimmed;
    }

    private static long parseId(String raw) {
        if (raw.isEmpty() || raw.length() > 19 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ProblemException invalid(String pointer, String detail) {
        return ProblemException.badRequest("the request is invalid", List.of(new FieldError(pointer, detail)));
    }

    private static void requireNone(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the request is invalid", errors);
        }
    }

    /** The opaque {@code ?cursor=} of the caller's channel list: the last channel ID of the previous page. */
    static String channelCursor(String channelId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(channelId.getBytes(StandardCharsets.UTF_8));
    }

    /** The channel ID a cursor of {@link #channelCursor} names; null without one, a 400 for any other. */
    static String channelAfter(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        String channelId = null;
        try {
            channelId = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // reported below
        }
        if (!ChannelIds.isValid(channelId)) {
            throw ProblemException.badRequest("cursor is not one this API returned",
                    List.of(new FieldError("/cursor", "unknown cursor")));
        }
        return channelId;
    }
}
