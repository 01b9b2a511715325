package io.eventline.producers.load;

import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.RateLimitKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;

/**
 * The counters a check load spreads over: descriptor values {@code c-0}, {@code c-1}, ... of one key, optionally
 * only those whose counter lands on given partitions of {@code ratelimit.checks.v1}, so a run can aim at the
 * counters one instance owns.
 */
final class CheckCounters {
    private CheckCounters() {
    }

    /**
     * The first {@code count} values whose counter ({@code domain}, {@code key}={@code value}) is on one of
     * {@code partitions} out of {@code partitionCount}; every value when {@code partitions} is empty.
     */
    static List<String> values(String domain, String key, int count, Set<Integer> partitions, int partitionCount) {
        final List<String> values = new ArrayList<>(count);
        for (long n = 0; values.size() < count; n++) {
            final String value = "c-" + n;
            if (partitions.isEmpty() || partitions.contains(partitionOf(domain, key, value, partitionCount))) {
                values.add(value);
            }
        }
        return values;
    }

    /** The partition Kafka's default partitioner gives the counter's check records (they are keyed by counter). */
    static int partitionOf(String domain, String key, String value, int partitionCount) {
        final String counterKey = RateLimitKeys.counterKey(domain, List.of(new DescriptorEntry(key, value)));
        return Utils.toPositive(Utils.murmur2(counterKey.getBytes(StandardCharsets.UTF_8))) % partitionCount;
    }
}
