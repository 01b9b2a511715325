package io.eventline.notify;

/**
 * Keys of the inbox stores. Entries sort newest first within a user: {@code userId NUL reversedTime NUL id}, the
 * time as 16 hex digits of {@code Long.MAX_VALUE - createdAt}. User IDs hold no control characters.
 */
public final class InboxKeys {
    private static final char SEPARATOR = '\u0000';

    private InboxKeys() {
    }

    public static String entry(String userId, long createdAt, String notificationId) {
        return userId + SEPARATOR + position(createdAt, notificationId);
    }

    /** The part of an entry key after the user: what a page cursor holds. */
    public static String position(long createdAt, String notificationId) {
        return String.format("%016x", Long.MAX_VALUE - createdAt) + SEPARATOR + notificationId;
    }

    /** The smallest entry key of the user strictly after {@code position} (a cursor), or the first at all. */
    public static String after(String userId, String position) {
        return position == null ? userId + SEPARATOR : userId + SEPARATOR + position + SEPARATOR;
    }

    /** The largest key of the user's entries, inclusive bound of a range. */
    public static String end(String userId) {
        return userId + SEPARATOR + '\uffff';
    }

    /** The entry key's position part. */
    public static String positionOf(String entryKey) {
        return entryKey.substring(entryKey.indexOf(SEPARATOR) + 1);
    }

    public static String index(String userId, String notificationId) {
        return userId + SEPARATOR + notificationId;
    }

    /** The dedupe key of a request without a requester (and of every request before event IDs were scoped). */
    public static String dedupe(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    /**
     * The dedupe key of a request: event IDs are scoped by their requester. The requester comes first with its
     * length, so no two (requester, eventId, userId) share a key.
     */
    public static String dedupe(String requestedBy, String eventId, String userId) {
        return requestedBy == null ? dedupe(eventId, userId)
                : "\u0001" + requestedBy.length() + ':' + requestedBy + SEPARATOR + eventId + SEPARATOR + userId;
    }

    /** The cap counter's key of a user and template. */
    public static String cap(String userId, String template) {
        return userId + SEPARATOR + template;
    }
}
