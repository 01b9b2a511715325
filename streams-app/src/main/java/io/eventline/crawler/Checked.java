package io.eventline.crawler;

import java.util.Objects;

/**
 * The outcome of one crawler check: the value that passed (a normalised URL, an address to connect to), or the
 * reason it was refused. The reason is a short stable code ({@code too-long}, {@code blocked-address}, …) fit to
 * count failures by; the detail says what exactly was wrong, for logs and page records.
 *
 * @param value  what passed, or null when refused
 * @param reason null when it passed, else the stable reason code
 * @param detail null when it passed, else a human-readable explanation
 * @param <T>    the kind of value checked
 */
public record Checked<T>(T value, String reason, String detail) {
    public Checked {
        if ((value == null) == (reason == null)) {
            throw new IllegalArgumentException("exactly one of value and reason must be set");
        }
    }

    /** Passed, with the value to go on with. */
    public static <T> Checked<T> ok(T value) {
        return new Checked<>(Objects.requireNonNull(value, "value"), null, null);
    }

    /** Refused for {@code reason}, explained by {@code detail}. */
    public static <T> Checked<T> refused(String reason, String detail) {
        return new Checked<>(null, Objects.requireNonNull(reason, "reason"), detail);
    }

    public boolean passed() {
        return reason == null;
    }
}
