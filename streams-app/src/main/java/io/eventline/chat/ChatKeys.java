package io.eventline.chat;

/**
 * Composite store keys. Parts are joined by NUL, which IDs never contain, and numbers are zero-padded to 19
 * digits, so a key's string order is the order of its parts and a prefix range reads one owner's entries.
 */
public final class ChatKeys {
    static final char SEPARATOR = '\u0000';
    /** Sorts after every key part, to end a prefix range. */
    private static final char AFTER = '\uffff';

    private ChatKeys() {
    }

    public static String join(String... parts) {
        return String.join(String.valueOf(SEPARATOR), parts);
    }

    public static String number(long value) {
        return String.format("%019d", value);
    }

    /** The first key with {@code prefix} as its leading parts. */
    public static String from(String... prefix) {
        return join(prefix) + SEPARATOR;
    }

    /** A key after every key with {@code prefix} as its leading parts. */
    public static String to(String... prefix) {
        return join(prefix) + SEPARATOR + AFTER;
    }

    public static String history(String channelId, long messageId) {
        return join(channelId, number(messageId));
    }

    public static String historyExpiry(long messageId, String channelId) {
        return join(number(messageId), channelId);
    }

    public static String send(String channelId, String senderId, String clientMessageId) {
        return join(channelId, senderId, clientMessageId);
    }

    public static String membership(String userId, String channelId) {
        return join(userId, channelId);
    }

    public static String sync(String userId, long seq) {
        return join(userId, number(seq));
    }

    public static String unread(String userId, String channelId, long messageId) {
        return join(userId, channelId, number(messageId));
    }

    /** The last part of a key. */
    public static String last(String key) {
        return key.substring(key.lastIndexOf(SEPARATOR) + 1);
    }

    /** Whether {@code id} may be part of a key. */
    public static boolean usable(String id) {
        return id != null && !id.isEmpty() && id.indexOf(SEPARATOR) < 0 && id.indexOf(AFTER) < 0;
    }
}
