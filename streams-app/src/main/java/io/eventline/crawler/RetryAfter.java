package io.eventline.crawler;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads a {@code Retry-After} header (RFC 9110 section 10.2.3): a number of seconds, or an HTTP date. */
final class RetryAfter {
    /** Longest wait taken from a header; a server asking for more is asked again after this. */
    static final Duration MAX = Duration.ofDays(1);

    private RetryAfter() {
    }

    /** The wait the header asks for, from {@code now}, at most {@link #MAX}; null when absent or unreadable. */
    static Duration parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        final String trimmed = value.strip();
        if (trimmed.chars().allMatch(Character::isDigit)) {
            return trimmed.length() > 9 ? MAX : cap(Duration.ofSeconds(Long.parseLong(trimmed)));
        }
        try {
            final Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? cap(Duration.between(now, at)) : Duration.ZERO;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration cap(Duration wait) {
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
