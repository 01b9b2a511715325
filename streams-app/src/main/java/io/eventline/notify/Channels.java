package io.eventline.notify;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Channel names as clients write them: {@code push}, {@code email}, {@code sms}, {@code inapp}. */
public final class Channels {
    private Channels() {
    }

    public static String nameOf(NotificationChannel channel) {
        return channel.name().toLowerCase(Locale.ROOT);
    }

    public static Optional<NotificationChannel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (NotificationChannel channel : NotificationChannel.values()) {
            if (nameOf(channel).equals(name)) {
                return Optional.of(channel);
            }
        }
        return Optional.empty();
    }

    /** The names that are not channels. */
    public static List<String> unknown(List<String> names) {
        final List<String> unknown = new ArrayList<>();
        names.forEach(name -> {
            if (parse(name).isEmpty()) {
                unknown.add(name);
            }
        });
        return unknown;
    }

    /** The channels a template has a body for. */
    public static Set<NotificationChannel> of(NotificationTemplate template) {
        final Set<NotificationChannel> channels = EnumSet.noneOf(NotificationChannel.class);
        if (template.getPush() != null) {
            channels.add(NotificationChannel.PUSH);
        }
        if (template.getEmail() != null) {
            channels.add(NotificationChannel.EMAIL);
        }
        if (template.getSms() != null) {
            channels.add(NotificationChannel.SMS);
        }
        if (template.getInapp() != null) {
            channels.add(NotificationChannel.INAPP);
        }
        return channels;
    }
}
