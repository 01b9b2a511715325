package io.eventline.notify;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.TreeMap;

/** JSON views of notification state, shared by the stream's answers and the web layer's reads. */
public final class NotifyJson {
    /** Builds nodes only; whoever writes them out uses the instance's configured mapper. */
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NotifyJson() {
    }

    public static ObjectNode settings(NotificationSettings settings) {
        final ObjectNode node = NODES.objectNode();
        final ObjectNode channels = node.putObject("channels");
        new TreeMap<>(settings.getChannels()).forEach(channels::put);
        final ObjectNode templates = node.putObject("templates");
        new TreeMap<>(settings.getTemplates()).forEach((template, perChannel) -> {
            final ObjectNode entry = templates.putObject(template);
            new TreeMap<>(perChannel).forEach(entry::put);
        });
        final ObjectNode caps = node.putObject("caps");
        new TreeMap<>(settings.getCaps()).forEach(caps::put);
        return node;
    }

    public static ObjectNode contact(Recipient recipient) {
        final ObjectNode node = NODES.objectNode();
        node.put("email", recipient.getEmail());
        node.put("phone", recipient.getPhone());
        return node;
    }

    public static ObjectNode device(Device device) {
        final ObjectNode node = NODES.objectNode();
        node.put("deviceId", device.getDeviceId());
        node.put("platform", device.getPlatform().name().toLowerCase(Locale.ROOT));
        node.put("token", device.getToken());
        node.put("disabled", device.getDisabled());
        if (device.getDisabledReason() != null) {
            node.put("disabledReason", device.getDisabledReason());
        }
        return node;
    }

    public static ObjectNode inboxEntry(InboxEntry entry) {
        final ObjectNode node = NODES.objectNode();
        node.put("id", entry.getNotificationId());
        node.put("template", entry.getTemplate());
        node.put("title", entry.getTitle());
        node.put("body", entry.getBody());
        node.put("createdAt", entry.getCreatedAt().toString());
        node.put("read", entry.getRead());
        return node;
    }

    /** Every delivery of a notification, grouped by user. */
    public static ObjectNode status(NotificationStatus status) {
        final ObjectNode node = NODES.objectNode();
        node.put("eventId", status.getEventId());
        node.put("template", status.getTemplate());
        node.put("requestedBy", status.getRequestedBy());
        final var deliveries = node.putArray("deliveries");
        for (DeliveryStatusChanged delivery : status.getDeliveries()) {
            final ObjectNode item = deliveries.addObject();
            item.put("userId", delivery.getUserId());
            item.put("channel", Channels.nameOf(delivery.getChannel()));
            if (delivery.getDeviceId() != null) {
                item.put("deviceId", delivery.getDeviceId());
            }
            item.put("status", delivery.getState().name().toLowerCase(Locale.ROOT));
            if (delivery.getReason() != null) {
                item.put("reason", delivery.getReason());
            }
            item.put("attempts", delivery.getAttempts());
            item.put("lastError", delivery.getLastError());
            item.put("updatedAt", delivery.getAt().toString());
        }
        return node;
    }
}
