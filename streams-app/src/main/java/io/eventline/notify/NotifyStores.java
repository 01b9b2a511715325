package io.eventline.notify;

/** The notification system's state stores, which the web layer reads by these names. */
public final class NotifyStores {
    /** Every template, on every instance: name to {@link NotificationTemplate}. */
    public static final String TEMPLATES = "notify-templates-store";
    /** userId to {@link Recipient}: devices, contact points, settings, unread count. */
    public static final String RECIPIENTS = "notify-recipients-store";
    /** Window store: {@link InboxKeys#dedupe(String, String, String)} to the time first seen, for the dedupe retention. */
    public static final String DEDUPE = "notify-dedupe-store";
    /** {@code userId NUL template} to the frequency cap's counter (the rate limiter's state bytes). */
    public static final String CAPS = "notify-caps-store";
    /** {@link InboxKeys#entry} to {@link InboxEntry}: each user's in-app notifications, newest first. */
    public static final String INBOX = "notify-inbox-store";
    /** {@link InboxKeys#index} ({@code userId NUL notificationId}) to the entry's key. */
    public static final String INBOX_INDEX = "notify-inbox-index-store";
    /**
     * Window store: {@link StatusKeeper#key} (eventId, requester, recipient) to {@link NotificationStatus} (that
     * recipient's deliveries), kept for the dedupe retention.
     */
    public static final String STATUS = "notify-status-store";

    private NotifyStores() {
    }
}
