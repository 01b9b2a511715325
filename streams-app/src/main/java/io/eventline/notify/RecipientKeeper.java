package io.eventline.notify;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each user's devices, contact points and settings, and marks inbox entries read, on the user's partition
 * (the one their notification requests are processed on). Answers the writes that await an outcome. A user has
 * at most {@code maxDevices} devices: one more is refused with 409, so the user's record stays small.
 */
final class RecipientKeeper implements Processor<String, RecipientChange, String, OperationOutcome> {
    private final int maxDevices;
    private ProcessorContext<String, OperationOutcome> context;
    private KeyValueStore<String, Recipient> recipients;
    private Inbox inbox;

    RecipientKeeper(int maxDevices) {
        this.maxDevices = maxDevices;
    }

    @Override
    public void init(ProcessorContext<String, OperationOutcome> context) {
        this.context = context;
        this.recipients = context.getStateStore(NotifyStores.RECIPIENTS);
        this.inbox = new Inbox(context.getStateStore(NotifyStores.INBOX), context.getStateStore(NotifyStores.INBOX_INDEX));
    }

    @Override
    public void process(Record<String, RecipientChange> record) {
        final RecipientChange change = record.value();
        if (change == null || change.getUserId() == null) {
            return;
        }
        final Recipient recipient = Recipients.orEmpty(recipients.get(change.getUserId()), change.getUserId());
        final OperationOutcome outcome = switch (change.getKind()) {
            case DEVICE_SET -> setDevice(recipient, change);
            case DEVICE_REMOVED -> {
                recipient.setDevices(without(recipient.getDevices(), change.getDeviceId()));
                yield accepted(change, 204, null);
            }
            case DEVICE_DISABLED -> {
                disable(recipient, change);
                yield null;
            }
            case CONTACT_SET -> {
                recipient.setEmail(change.getEmail());
                recipient.setPhone(change.getPhone());
                yield accepted(change, 200, NotifyJson.contact(recipient).toString());
            }
            case SETTINGS_SET -> {
                recipient.setSettings(change.getSettings() == null ? Recipients.emptySettings() : change.getSettings());
                yield accepted(change, 200, NotifyJson.settings(recipient.getSettings()).toString());
            }
            case EMAIL_UNSUBSCRIBED -> {
                unsubscribe(recipient, change.getTemplate());
                yield accepted(change, 200, NotifyJson.settings(recipient.getSettings()).toString());
            }
            case INBOX_READ -> inbox.markRead(recipient, change.getNotificationId())
                    ? accepted(change, 204, null)
                    : Outcomes.rejected(change.getEventId(), change.getUserId(), 404, "not-found", "Not found",
                    "no notification " + change.getNotificationId() + " in the inbox", change.getTimestamp());
        };
        recipients.put(recipient.getUserId(), recipient);
        if (outcome != null) {
            context.forward(record.withKey(change.getEventId()).withValue(outcome));
        }
    }

    /** Turns e-mail of one template off, as the one-click link in its e-mails asks; other settings stay. */
    private static void unsubscribe(Recipient recipient, String template) {
        final NotificationSettings settings = recipient.getSettings();
        final Map<String, Map<String, Boolean>> templates = new HashMap<>(settings.getTemplates());
        final Map<String, Boolean> channels = new HashMap<>(templates.getOrDefault(template, Map.of()));
        channels.put(Channels.nameOf(NotificationChannel.EMAIL), false);
        templates.put(template, channels);
        settings.setTemplates(templates);
    }

    private OperationOutcome setDevice(Recipient recipient, RecipientChange change) {
        final List<Device> devices = without(recipient.getDevices(), change.getDeviceId());
        if (devices.size() >= maxDevices) {
            return Outcomes.rejected(change.getEventId(), change.getUserId(), 409, "device-limit",
                    "Too many devices", "a user may register at most " + maxDevices
                            + " devices (the device cap); remove one with DELETE /api/v1/me/devices/{deviceId} first",
                    change.getTimestamp());
        }
        final Device device = Device.newBuilder().setDeviceId(change.getDeviceId()).setPlatform(change.getPlatform())
                .setToken(change.getToken()).setDisabled(false).setDisabledReason(null)
                .setUpdatedAt(change.getTimestamp()).build();
        devices.add(device);
        recipient.setDevices(devices);
        return accepted(change, 200, NotifyJson.device(device).toString());
    }

    /** Disables the device only while it still has the token the provider refused: a new token revives it. */
    private static void disable(Recipient recipient, RecipientChange change) {
        for (Device device : recipient.getDevices()) {
            if (device.getDeviceId().equals(change.getDeviceId()) && device.getToken().equals(change.getToken())) {
                device.setDisabled(true);
                device.setDisabledReason(change.getReason());
            }
        }
    }

    private static List<Device> without(List<Device> devices, String deviceId) {
        final List<Device> kept = new ArrayList<>();
        devices.forEach(device -> {
            if (!device.getDeviceId().equals(deviceId)) {
                kept.add(device);
            }
        });
        return kept;
    }

    private static OperationOutcome accepted(RecipientChange change, int status, String json) {
        return Outcomes.accepted(change.getEventId(), change.getUserId(), status, json, change.getTimestamp());
    }
}
