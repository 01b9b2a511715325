package io.eventline.notify;

import io.eventline.topics.Topic;
import java.util.List;
import java.util.Map;

/** The notification system's topics. */
public final class NotifyTopics {
    private static final String WEEK_MILLIS = String.valueOf(7L * 24 * 3600 * 1000);

    /** Notification requests from any service, preferably keyed by userId; re-keyed by userId inside. */
    public static final Topic<NotificationRequested> REQUESTS =
            Topic.events("notify.requests.v1", "userId", NotificationRequested.class,
                    NotificationRequested::getUserId).acceptingAnyKey();
    /** Templates, keyed by name; the source of truth once seeded. */
    public static final Topic<NotificationTemplate> TEMPLATES =
            Topic.table("notify.templates.v1", "template name", NotificationTemplate.class,
                    NotificationTemplate::getName);
    /** Devices, contact points, settings and inbox reads, keyed by userId. */
    public static final Topic<RecipientChange> RECIPIENTS =
            Topic.events("notify.recipients.v1", "userId", RecipientChange.class, RecipientChange::getUserId);
    /** Pushes to iOS devices, keyed by userId; read by the APNs sender. */
    public static final Topic<NotificationDelivery> APNS =
            Topic.events("notify.push.apns.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** Pushes to Android devices, keyed by userId; read by the FCM sender. */
    public static final Topic<NotificationDelivery> FCM =
            Topic.events("notify.push.fcm.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** E-mails, keyed by userId; read by the SMTP sender. */
    public static final Topic<NotificationDelivery> EMAIL =
            Topic.events("notify.email.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** Text messages, keyed by userId; read by the SMS sender. */
    public static final Topic<NotificationDelivery> SMS =
            Topic.events("notify.sms.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** Deliveries waiting up to about 5 s before another attempt. */
    public static final Topic<NotificationDelivery> RETRY_5S =
            Topic.events("notify.retry.5s.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** Deliveries waiting up to about a minute. */
    public static final Topic<NotificationDelivery> RETRY_1M =
            Topic.events("notify.retry.1m.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** Deliveries waiting up to about ten minutes. */
    public static final Topic<NotificationDelivery> RETRY_10M =
            Topic.events("notify.retry.10m.v1", "userId", NotificationDelivery.class, NotificationDelivery::getUserId);
    /** New in-app notifications, keyed by userId, for live delivery to open sockets. */
    public static final Topic<InboxEntry> INAPP = Topic.events("notify.inapp.v1", "userId", InboxEntry.class,
            InboxEntry::getUserId);
    /** Every delivery's state changes, keyed by eventId. */
    public static final Topic<DeliveryStatusChanged> STATUS = Topic.events("notify.status.v1", "eventId",
            DeliveryStatusChanged.class, DeliveryStatusChanged::getEventId).withConfigs(Map.of("retention.ms", WEEK_MILLIS));
    /** Notifications and deliveries given up, with the reason, keyed by userId. */
    public static final Topic<NotificationDeadLettered> DEAD_LETTERS =
            Topic.events("notify.dead-letters.v1", "userId", NotificationDeadLettered.class,
                    NotificationDeadLettered::getUserId);

    /** The retry topics, shortest wait first. */
    public static final List<Topic<NotificationDelivery>> RETRIES = List.of(RETRY_5S, RETRY_1M, RETRY_10M);

    public static final List<Topic<?>> ALL = List.of(REQUESTS, TEMPLATES, RECIPIENTS, APNS, FCM, EMAIL, SMS,
            RETRY_5S, RETRY_1M, RETRY_10M, INAPP, STATUS, DEAD_LETTERS);

    private NotifyTopics() {
    }

    /** The topic of a provider's deliveries. */
    public static Topic<NotificationDelivery> of(DeliveryProvider provider) {
        return switch (provider) {
            case APNS -> APNS;
            case FCM -> FCM;
            case SMTP -> EMAIL;
            case SMS -> SMS;
        };
    }
}
