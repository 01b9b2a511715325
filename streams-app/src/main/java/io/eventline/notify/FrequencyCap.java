package io.eventline.notify;

import io.eventline.ratelimit.Limit;
import io.eventline.ratelimit.RateLimitAlgorithm;
import io.eventline.ratelimit.RateLimitUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A per-template frequency cap such as {@code 3/day}: at most that many notifications of the template per user in
 * any sliding window of the unit, counted by the rate limiter's sliding window log. The log keeps a time per
 * notification, hence the bound of 1000 per unit.
 */
public final class FrequencyCap {
    private static final Pattern SYNTAX = Pattern.compile("([1-9][0-9]{0,2}|1000)/(second|minute|hour|day|week)");

    private FrequencyCap() {
    }

    /** The limit {@code text} describes, or empty when it is not {@code N/unit}. */
    public static Optional<Limit> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        final Matcher matcher = SYNTAX.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            return Optional.empty();
        }
        final long count = Long.parseLong(matcher.group(1));
        final RateLimitUnit unit = RateLimitUnit.valueOf(matcher.group(2).toUpperCase(Locale.ROOT));
        return Optional.of(new Limit(RateLimitAlgorithm.SLIDING_WINDOW_LOG, count, Limit.unitMillis(unit), count));
    }

    /** What a valid cap looks like, for error messages. */
    public static String syntax() {
        return "N/unit with N from 1 to 1000 and unit second, minute, hour, day or week, e.g. 3/day";
    }
}
