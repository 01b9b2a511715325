package io.eventline.notify;

/**
 * The ID of one delivery: the same on every attempt and after any replay, so it serves as the provider's
 * idempotency key where one is accepted and as the status entry's identity.
 */
public final class DeliveryIds {
    private DeliveryIds() {
    }

    public static String of(String eventId, String userId, NotificationChannel channel, String deviceId) {
        return eventId + '/' + userId + '/' + Channels.nameOf(channel) + (deviceId == null ? "" : '/' + deviceId);
    }
}
