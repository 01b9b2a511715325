package io.eventline.notify;

import io.eventline.platform.Redaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How notifications behave.
 *
 * @param dedupeRetention how long an (eventId, userId) is remembered, so a repeat within it notifies nobody
 * @param inboxLimit      in-app notifications kept per user; the oldest go first
 * @param maxDevices      push devices one user may register; a token is at most 4 KiB, so a user's devices stay
 *                        within about 4.2 KiB each
 * @param maxAttempts     provider calls per delivery before it is dead-lettered
 * @param retryDelays     the retry tiers' waits, shortest first (notify.retry.5s.v1, .1m, .10m)
 * @param providers       the providers' endpoints and credentials, by setting name ({@code EVENTLINE_APNS_*},
 *                        {@code EVENTLINE_FCM_*}, {@code EVENTLINE_SMS_*}, {@code EVENTLINE_SMTP_*}); unset ones absent
 * @param unsubscribe     the links notifications carry to unsubscribe; null until the instance makes them
 */
public record NotifySettings(Duration dedupeRetention, int inboxLimit, int maxDevices, int maxAttempts,
                             List<Duration> retryDelays, Map<String, String> providers,
                             UnsubscribeLinks unsubscribe) {
    /** Names of the provider settings that {@link #providers} may hold, each with its default (null = unset). */
    public static final Map<String, String> PROVIDER_DEFAULTS = providerDefaults();

    public NotifySettings {
        retryDelays = List.copyOf(retryDelays);
        providers = Map.copyOf(providers);
    }

    private static Map<String, String> providerDefaults() {
        final Map<String, String> d = new java.util.LinkedHashMap<>();
        d.put("EVENTLINE_APNS_URL", "https://api.push.apple.com");
        d.put("EVENTLINE_APNS_TEAM_ID", null);
        d.put("EVENTLINE_APNS_KEY_ID", null);
        d.put("EVENTLINE_APNS_PRIVATE_KEY_FILE", null);
        d.put("EVENTLINE_APNS_TOPIC", null);
        d.put("EVENTLINE_APNS_CA_FILE", null);
        d.put("EVENTLINE_FCM_URL", "https://fcm.googleapis.com");
        d.put("EVENTLINE_FCM_SERVICE_ACCOUNT_FILE", null);
        d.put("EVENTLINE_SMS_URL", "https://api.twilio.com");
        d.put("EVENTLINE_SMS_ACCOUNT_SID", null);
        d.put("EVENTLINE_SMS_AUTH_TOKEN", null);
        d.put("EVENTLINE_SMS_FROM", null);
        d.put("EVENTLINE_SMTP_HOST", null);
        d.put("EVENTLINE_SMTP_PORT", "587");
        d.put("EVENTLINE_SMTP_USERNAME", null);
        d.put("EVENTLINE_SMTP_PASSWORD", null);
        d.put("EVENTLINE_SMTP_STARTTLS", "true");
        d.put("EVENTLINE_SMTP_FROM", null);
        return java.util.Collections.unmodifiableMap(d);
    }

    /** These settings, notifications carrying {@code links} to unsubscribe. */
    public NotifySettings withUnsubscribe(UnsubscribeLinks links) {
        return new NotifySettings(dedupeRetention, inboxLimit, maxDevices, maxAttempts, retryDelays, providers, links);
    }

    /** A provider setting, or null when unset. */
    public String provider(String name) {
        return providers.get(name);
    }

    /** Every setting, with the secrets among them redacted: a record's own {@code toString} would print them. */
    @Override
    public String toString() {
        return Redaction.of(this);
    }
}
