package io.eventline.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/** Reading and changing a {@link Recipient}. */
public final class Recipients {
    private Recipients() {
    }

    /** {@code stored}, or a recipient with nothing registered and everything allowed. */
    public static Recipient orEmpty(Recipient stored, String userId) {
        if (stored != null) {
            return stored;
        }
        return Recipient.newBuilder().setUserId(userId).setDevices(new ArrayList<>()).setEmail(null).setPhone(null)
                .setSettings(emptySettings()).setUnread(0).setInboxSize(0).build();
    }

    public static NotificationSettings emptySettings() {
        return NotificationSettings.newBuilder().setChannels(new HashMap<>()).setTemplates(new HashMap<>())
                .setCaps(new HashMap<>()).build();
    }

    /** Whether the user lets {@code template} through {@code channel}: both allowed unless turned off. */
    public static boolean allows(Recipient recipient, String template, NotificationChannel channel) {
        final NotificationSettings settings = recipient.getSettings();
        final String name = Channels.nameOf(channel);
        if (Boolean.FALSE.equals(settings.getChannels().get(name))) {
            return false;
        }
        final Map<String, Boolean> perTemplate = settings.getTemplates().get(template);
        return perTemplate == null || !Boolean.FALSE.equals(perTemplate.get(name));
    }
}
