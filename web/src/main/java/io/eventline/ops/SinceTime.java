package io.eventline.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A point in time as an operator writes it: an ISO-8601 instant, or a time ago such as {@code 90s}, {@code 2h}. */
final class SinceTime {
    private static final Pattern AGO = Pattern.compile("(\\d{1,9})([smhd])");

    private SinceTime() {
    }

    /** {@code text} as an instant, a time ago counted back from {@code clock}'s now. */
    static Instant parse(String text, Clock clock) {
        final String trimmed = text.trim();
        final Matcher ago = AGO.matcher(trimmed);
        if (ago.matches()) {
            final long amount = Long.parseLong(ago.group(1));
            final Duration back = switch (ago.group(2)) {
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return clock.instant().minus(back);
        }
        try {
            return Instant.parse(trimmed);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be an ISO-8601 instant such as 2026-01-31T09:00:00Z or a time "
                    + "ago such as 90s, 30m, 2h or 7d, got '" + text + "'");
        }
    }
}
