package io.eventline.notify.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and as whom {@link TwilioSmsClient} sends SMS: any endpoint speaking Twilio's Messages API.
 *
 * @param endpoint   base URL, e.g. {@code https://api.twilio.com}
 * @param accountSid the account SID, also the Basic-auth user
 * @param authToken  the auth token, the Basic-auth password
 * @param from       the sender number (E.164) or messaging service sender
 */
public record TwilioSmsSettings(URI endpoint, String accountSid, String authToken, String from,
                                Duration connectTimeout, Duration requestTimeout) {

    public static final String URL = "EVENTLINE_SMS_URL";
    public static final String ACCOUNT_SID = "EVENTLINE_SMS_ACCOUNT_SID";
    public static final String AUTH_TOKEN = "EVENTLINE_SMS_AUTH_TOKEN";
    public static final String FROM = "EVENTLINE_SMS_FROM";
    public static final String DEFAULT_URL = "https://api.twilio.com";

    public TwilioSmsSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        // paths are appended to it
        endpoint = URI.create(Env.stripTrailingSlash(endpoint.toString()));
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Settings from environment-style variables; empty unless account SID, auth token and sender are all set. */
    public static Optional<TwilioSmsSettings> from(Function<String, String> lookup) {
        final Env env = new Env(lookup);
        if (!env.allSet(ACCOUNT_SID, AUTH_TOKEN, FROM)) {
            return Optional.empty();
        }
        return Optional.of(new TwilioSmsSettings(env.uri(URL, DEFAULT_URL), env.get(ACCOUNT_SID), env.get(AUTH_TOKEN),
                env.get(FROM), Env.DEFAULT_CONNECT_TIMEOUT, Env.DEFAULT_REQUEST_TIMEOUT));
    }

    static String notConfiguredReason() {
        return "SMS not configured: set " + ACCOUNT_SID + ", " + AUTH_TOKEN + " and " + FROM;
    }

    public TwilioSmsSettings withTimeouts(Duration connect, Duration request) {
        return new TwilioSmsSettings(endpoint, accountSid, authToken, from, connect, request);
    }

    @Override
    public String toString() {
        return "TwilioSmsSettings[endpoint=" + endpoint + ", accountSid=" + accountSid + ", authToken="
                + HttpSupport.redacted(authToken) + ", from=" + from + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + "]";
    }
}
