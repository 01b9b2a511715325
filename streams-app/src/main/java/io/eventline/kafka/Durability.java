package io.eventline.kafka;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * When the broker holding Eventline's topics writes an acknowledged record to disk
 * ({@code EVENTLINE_DURABILITY}).
 */
public enum Durability {
    /**
     * Records are acknowledged once they are in the broker's page cache, which the operating system writes out
     * later: a crash of the process loses nothing acknowledged, a power loss can lose the last seconds.
     */
    PAGE_CACHE("page-cache"),
    /** The broker flushes each record to disk before acknowledging it; writes cost more. */
    FSYNC("fsync");

    private final String setting;

    Durability(String setting) {
        this.setting = setting;
    }

    /** The value as written in the configuration. */
    public String setting() {
        return setting;
    }

    /** The settings a broker run by Eventline itself gets for this durability. */
    public Map<String, String> brokerConfig() {
        // the broker flushes a partition once this many records are unflushed, before it acknowledges them
        return this == FSYNC ? Map.of("log.flush.interval.messages", "1") : Map.of();
    }

    /**
     * @throws IllegalArgumentException naming the accepted values if {@code raw} is none of them
     */
    public static Durability parse(String raw) {
        final String wanted = raw.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(value -> value.setting.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be one of "
                        + Arrays.stream(values()).map(Durability::setting).collect(Collectors.joining(", "))
                        + ", got '" + raw + "'"));
    }
}
