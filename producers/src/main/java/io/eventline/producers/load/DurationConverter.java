package io.eventline.producers.load;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Reads durations such as {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601 ({@code PT30S}). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern AMOUNT_UNIT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /**
     * Parses {@code text}.
     *
     * @throws CommandLine.TypeConversionException if it is neither {@code <digits><ms|s|m|h>} nor ISO-8601
     */
    public static Duration parse(String text) {
        final String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        final Matcher m = AMOUNT_UNIT.matcher(trimmed);
        if (m.matches()) {
            final long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        if (trimmed.startsWith("pt")) {
            try {
                return Duration.parse(trimmed.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // reported below, with the accepted forms
            }
        }
        throw new CommandLine.TypeConversionException(
                "'" + text + "' is not a duration; use e.g. 500ms, 30s, 2m, 1h or PT30S");
    }

    /** {@code d} the way {@link #parse} reads it back: {@code 30s}, {@code 1500ms}. */
    public static String format(Duration d) {
        final long millis = d.toMillis();
        if (millis % 1000 != 0) {
            return millis + "ms";
        }
        return d.toSeconds() + "s";
    }
}
