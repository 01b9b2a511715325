package io.eventline.notify;

import java.time.Instant;
import java.util.List;

/**
 * The templates every installation starts with: {@code new-follower} (params {@code follower}) and
 * {@code chat-message} (params {@code sender}, {@code channelName}, {@code text}). Admins may replace them.
 */
public final class DefaultTemplates {
    /** The template chat uses for recipients with no connected device. */
    public static final String CHAT_MESSAGE = "chat-message";

    private DefaultTemplates() {
    }

    public static List<NotificationTemplate> all(Instant now) {
        return List.of(newFollower(now), chatMessage(now));
    }

    static NotificationTemplate newFollower(Instant now) {
        return NotificationTemplate.newBuilder().setName(NotifyTopology.NEW_FOLLOWER).setVersion(1).setUpdatedAt(now)
                .setUpdatedBy(null)
                .setPush(new PushTemplate("New follower", "{{follower}} started following you"))
                .setInapp(new InAppTemplate("New follower", "{{follower}} started following you"))
                .setEmail(new EmailTemplate("{{follower}} now follows you",
                        "{{follower}} started following you on Eventline.",
                        "<p><strong>{{follower}}</strong> started following you on Eventline.</p>"))
                .setSms(null).build();
    }

    static NotificationTemplate chatMessage(Instant now) {
        return NotificationTemplate.newBuilder().setName(CHAT_MESSAGE).setVersion(1).setUpdatedAt(now)
                .setUpdatedBy(null)
                .setPush(new PushTemplate("{{sender}} in {{channelName}}", "{{text}}"))
                .setInapp(null).setEmail(null).setSms(null).build();
    }
}
