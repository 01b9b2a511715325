package io.eventline.crawler;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The queue selector's schedule: each politeness key with work at the time it may next be looked at. Kept in
 * memory by one frontier task and rebuilt from the frontier store when the task starts; not thread-safe.
 */
final class DueKeys {
    private record Due(long at, String key) implements Comparable<Due> {
        @Override
        public int compareTo(Due other) {
            final int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : key.compareTo(other.key);
        }
    }

    private final TreeSet<Due> order = new TreeSet<>();
    private final Map<String, Long> times = new HashMap<>();

    /** Looks at {@code key} at {@code at}, instead of any time set before. */
    void schedule(String key, long at) {
        remove(key);
        order.add(new Due(at, key));
        times.put(key, at);
    }

    /** Looks at {@code key} at {@code at}, unless it is already looked at sooner. */
    void scheduleBy(String key, long at) {
        final Long current = times.get(key);
        if (current == null || current > at) {
            schedule(key, at);
        }
    }

    void remove(String key) {
        final Long at = times.remove(key);
        if (at != null) {
            order.remove(new Due(at, key));
        }
    }

    /** The key due first at {@code now}, taken off the schedule, or null when none is due. */
    String pollDue(long now) {
        if (order.isEmpty() || order.first().at() > now) {
            return null;
        }
        final Due first = order.pollFirst();
        times.remove(first.key());
        return first.key();
    }

    int size() {
        return times.size();
    }
}
