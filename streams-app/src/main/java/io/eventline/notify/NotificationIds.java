package io.eventline.notify;

/**
 * A notification's ID in its recipient's inbox. Services choose their event IDs independently, so the ID is the
 * requester and the event ID, {@code requester:eventId}, with {@code %} and {@code :} of the requester
 * percent-encoded so that no two (requester, eventId) pairs share one; a request without a requester keeps its
 * bare event ID.
 */
public final class NotificationIds {
    private NotificationIds() {
    }

    public static String inboxId(String requestedBy, String eventId) {
        return requestedBy == null ? eventId : escaped(requestedBy) + ':' + eventId;
    }

    static String escaped(String requestedBy) {
        return requestedBy.replace("%", "%25").replace(":", "%3A");
    }
}
