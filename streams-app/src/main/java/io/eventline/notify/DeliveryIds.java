package io.eventline.notify;

/**
 * The ID of one delivery: the same on every attempt and after any replay, so it serves as the provider's
 * idempotency key where one is accepted and as the status entry's identity. Event IDs are scoped by their
 * requester, so the requester is part of it.
 */
public final class DeliveryIds {
    private DeliveryIds() {
    }

    public static String of(String eventId, String userId, NotificationChannel channel, String deviceId) {
        return of(null, eventId, userId, channel, deviceId);
    }

    public static String of(String requestedBy, String eventId, String userId, NotificationChannel channel,
                            String deviceId) {
        return (requestedBy == null ? "" : NotificationIds.escaped(requestedBy) + ':') + eventId + '/' + userId
                + '/' + Channels.nameOf(channel) + (deviceId == null ? "" : '/' + deviceId);
    }
}
