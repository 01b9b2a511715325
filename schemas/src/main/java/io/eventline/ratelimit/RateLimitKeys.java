package io.eventline.ratelimit;

import java.util.List;

/** Keys of the limiter's counters: one per domain and full descriptor, so one partition owns each. */
public final class RateLimitKeys {
    /** Separates the parts of a key; descriptor keys and values may not contain it. */
    public static final char SEPARATOR = '\u0000';

    private RateLimitKeys() {
    }

    /** {@code domain NUL key1 NUL value1 NUL key2 NUL value2 ...} */
    public static String counterKey(String domain, List<DescriptorEntry> descriptor) {
        final StringBuilder key = new StringBuilder(domain);
        for (DescriptorEntry entry : descriptor) {
            key.append(SEPARATOR).append(entry.getKey()).append(SEPARATOR).append(entry.getValue());
        }
        return key.toString();
    }

    /** The counter key of a check event. */
    public static String counterKey(RateLimitCheckRequested check) {
        return counterKey(check.getDomain(), check.getDescriptor());
    }
}
