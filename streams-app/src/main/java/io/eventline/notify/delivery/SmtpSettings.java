package io.eventline.notify.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where and as whom {@link SmtpMailClient} submits mail.
 *
 * @param username    the SMTP AUTH user, or null to send without authentication
 * @param password    the SMTP AUTH password, or null
 * @param startTls    whether STARTTLS is required before anything else is said
 * @param from        the sender address; its domain also names the Message-ID
 * @param readTimeout how long to wait for each server reply
 */
public record SmtpSettings(String host, int port, String username, String password, boolean startTls, String from,
                           Duration connectTimeout, Duration readTimeout) {

    public static final String HOST = "EVENTLINE_SMTP_HOST";
    public static final String PORT = "EVENTLINE_SMTP_PORT";
    public static final String USERNAME = "EVENTLINE_SMTP_USERNAME";
    public static final String PASSWORD = "EVENTLINE_SMTP_PASSWORD";
    public static final String STARTTLS = "EVENTLINE_SMTP_STARTTLS";
    public static final String FROM = "EVENTLINE_SMTP_FROM";
    public static final int DEFAULT_PORT = 587;

    public SmtpSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("SMTP port out of range: " + port);
        }
    }

    /** Settings from environment-style variables; empty unless host and sender are set. */
    public static Optional<SmtpSettings> from(Function<String, String> lookup) {
        final Env env = new Env(lookup);
        if (!env.allSet(HOST, FROM)) {
            return Optional.empty();
        }
        return Optional.of(new SmtpSettings(env.get(HOST), env.integer(PORT, DEFAULT_PORT), env.get(USERNAME),
                env.get(PASSWORD), env.bool(STARTTLS, true), env.get(FROM),
                Env.DEFAULT_CONNECT_TIMEOUT, Env.DEFAULT_REQUEST_TIMEOUT));
    }

    static String notConfiguredReason() {
        return "SMTP not configured: set " + HOST + " and " + FROM;
    }

    public SmtpSettings withTimeouts(Duration connect, Duration read) {
        return new SmtpSettings(host, port, username, password, startTls, from, connect, read);
    }

    @Override
    public String toString() {
        return "SmtpSettings[host=" + host + ", port=" + port + ", username=" + username + ", password="
                + HttpSupport.redacted(password) + ", startTls=" + startTls + ", from=" + from
                + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout + "]";
    }
}
