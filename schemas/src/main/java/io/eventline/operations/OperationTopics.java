package io.eventline.operations;

import io.eventline.topics.Topic;
import java.util.List;
import java.util.Map;

/** Outcomes of writes, which the web layer awaits. */
public final class OperationTopics {
    /** What became of each write, keyed by its event ID; kept a week, then compacted away. */
    public static final Topic<OperationOutcome> OUTCOMES = Topic.table("operations.outcomes.v1", "eventId",
            OperationOutcome.class, OperationOutcome::getEventId).partitionedBy(new OutcomePartitioner())
            .withConfigs(Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(7L * 24 * 3600 * 1000)));

    public static final List<Topic<?>> ALL = List.of(OUTCOMES);

    private OperationTopics() {
    }
}
