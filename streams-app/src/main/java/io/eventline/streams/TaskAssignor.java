package io.eventline.streams;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.streams.processor.assignment.assignors.StickyTaskAssignor;

/**
 * How the instances of a group share the tasks ({@code EVENTLINE_TASK_ASSIGNOR}). High availability, the default,
 * is Kafka's: it spreads every sub-topology's tasks evenly over the instances and warms a newcomer up before it
 * takes a task whose copy lags far behind, but a step from n-1 to n instances moves about as many tasks as
 * {@code hash % n} would. Sticky keeps each task where it ran and moves only a newcomer's share, about 1/n, but
 * balances only the count of tasks, so one domain's tasks can end up on one instance (docs/consistent-hashing.md).
 */
public enum TaskAssignor {
    STICKY("sticky", Optional.of(StickyTaskAssignor.class.getName())),
    HIGH_AVAILABILITY("high-availability", Optional.empty());

    private final String setting;
    private final Optional<String> assignorClass;

    TaskAssignor(String setting, Optional<String> assignorClass) {
        this.setting = setting;
        this.assignorClass = assignorClass;
    }

    /** The value of {@code EVENTLINE_TASK_ASSIGNOR} that names this. */
    public String setting() {
        return setting;
    }

    /** The class for {@code task.assignor.class}; empty for Kafka's default. */
    public Optional<String> assignorClass() {
        return assignorClass;
    }

    /** The assignor named {@code setting}, case-insensitively. */
    public static TaskAssignor parse(String setting) {
        final String wanted = setting.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(assignor -> assignor.setting.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("must be one of "
                        + Arrays.stream(values()).map(TaskAssignor::setting).collect(Collectors.joining(", "))
                        + ", got '" + setting + "'"));
    }
}
