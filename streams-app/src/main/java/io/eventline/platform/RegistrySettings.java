package io.eventline.platform;

import java.util.Objects;
import java.util.Optional;

/**
 * The schema registry's listener and the credentials its writes take, in Confluent's {@code user:password} form.
 *
 * @param host           the address the embedded registry listens on
 * @param userInfo       what the embedded registry takes for writes; when empty, credentials generated once
 *                       into the data directory
 * @param clientUserInfo what Eventline's own client sends to an external registry, if anything
 */
public record RegistrySettings(String host, Optional<String> userInfo, Optional<String> clientUserInfo) {

    public RegistrySettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(userInfo, "userInfo");
        Objects.requireNonNull(clientUserInfo, "clientUserInfo");
    }

    /** Whether {@code userInfo} has Confluent's form: a user without colons, a colon, a password. */
    public static boolean isUserInfo(String userInfo) {
        final int colon = userInfo.indexOf(':');
        return colon > 0 && colon < userInfo.length() - 1;
    }

    /** Leaves the credentials out, so that logging the settings does not log them. */
    @Override
    public String toString() {
        return "RegistrySettings[host=" + host + ", userInfo=" + (userInfo.isPresent() ? "(set)" : "(generated)")
                + ", clientUserInfo=" + (clientUserInfo.isPresent() ? "(set)" : "(none)") + "]";
    }
}
