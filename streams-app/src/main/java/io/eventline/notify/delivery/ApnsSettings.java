package io.eventline.notify.delivery;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and as whom {@link ApnsClient} talks to the Apple Push Notification service.
 *
 * @param endpoint       base URL, e.g. {@code https://api.push.apple.com} (or the sandbox)
 * @param teamId         the Apple developer team id, the provider token's issuer
 * @param keyId          the id of the signing key, the provider token's {@code kid}
 * @param privateKeyFile the {@code .p8} file: a PKCS#8 EC P-256 private key in PEM
 * @param topic          the app's bundle id, sent as {@code apns-topic}
 * @param caFile         an extra PEM CA certificate to trust besides the JDK's, or null
 * @param timeToLive     how long APNs may keep retrying an offline device ({@code apns-expiration}), or null
 *                       for Apple's default
 */
public record ApnsSettings(URI endpoint, String teamId, String keyId, Path privateKeyFile, String topic, Path caFile,
                           Duration timeToLive, Duration connectTimeout, Duration requestTimeout) {

    public static final String URL = "EVENTLINE_APNS_URL";
    public static final String TEAM_ID = "EVENTLINE_APNS_TEAM_ID";
    public static final String KEY_ID = "EVENTLINE_APNS_KEY_ID";
    public static final String PRIVATE_KEY_FILE = "EVENTLINE_APNS_PRIVATE_KEY_FILE";
    public static final String TOPIC = "EVENTLINE_APNS_TOPIC";
    public static final String CA_FILE = "EVENTLINE_APNS_CA_FILE";
    public static final String DEFAULT_URL = "https://api.push.apple.com";

    public ApnsSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        // paths are appended to it
        endpoint = URI.create(Env.stripTrailingSlash(endpoint.toString()));
        Objects.requireNonNull(teamId, "teamId");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
    }

    /** Settings from environment-style variables; empty unless team id, key id, key file and topic are all set. */
    public static Optional<ApnsSettings> from(Function<String, String> lookup) {
        final Env env = new Env(lookup);
        if (!env.allSet(TEAM_ID, KEY_ID, PRIVATE_KEY_FILE, TOPIC)) {
            return Optional.empty();
        }
        return Optional.of(new ApnsSettings(env.uri(URL, DEFAULT_URL), env.get(TEAM_ID), env.get(KEY_ID),
                env.path(PRIVATE_KEY_FILE), env.get(TOPIC), env.path(CA_FILE), null,
                Env.DEFAULT_CONNECT_TIMEOUT, Env.DEFAULT_REQUEST_TIMEOUT));
    }

    static String notConfiguredReason() {
        return "APNs not configured: set " + TEAM_ID + ", " + KEY_ID + ", " + PRIVATE_KEY_FILE + " and " + TOPIC;
    }

    public ApnsSettings withTimeouts(Duration connect, Duration request) {
        return new ApnsSettings(endpoint, teamId, keyId, privateKeyFile, topic, caFile, timeToLive, connect, request);
    }

    public ApnsSettings withTimeToLive(Duration ttl) {
        return new ApnsSettings(endpoint, teamId, keyId, privateKeyFile, topic, caFile, ttl, connectTimeout, requestTimeout);
    }
}
