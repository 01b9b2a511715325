package io.eventline.notify.delivery;

import java.time.Duration;

/** The outcome of one {@link ProviderClient#send} call; provider and network trouble always ends up here. */
public sealed interface ProviderResult {

    /** Accepted by the provider, which assigned {@code providerMessageId}. */
    record Sent(String providerMessageId) implements ProviderResult {}

    /**
     * Worth retrying: 5xx, timeouts, connection errors, 429. {@code retryAfter} is the provider's Retry-After
     * (seconds or HTTP date, as a duration from now), or null when it gave none.
     */
    record Transient(String error, Duration retryAfter) implements ProviderResult {}

    /**
     * Retrying cannot help. {@code addressInvalid} means the device token, number or mailbox is gone
     * (APNs 410 or 400 BadDeviceToken/Unregistered, FCM UNREGISTERED or INVALID_ARGUMENT on the token,
     * Twilio error 21211/21614, SMTP 550 on the recipient) and should not be used again.
     */
    record Permanent(String error, boolean addressInvalid) implements ProviderResult {}

    /** No endpoint or credentials are configured for this provider: nothing was sent. */
    record NotConfigured(String reason) implements ProviderResult {}
}
