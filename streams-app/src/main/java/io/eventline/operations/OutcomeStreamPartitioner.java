package io.eventline.operations;

import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * {@link OutcomePartitioner} for the streams: every sink into {@link OperationTopics#OUTCOMES} writes through it,
 * and a lookup of the outcomes' store finds its owner through it.
 */
public final class OutcomeStreamPartitioner implements StreamPartitioner<String, Object> {
    private final OutcomePartitioner outcomes = new OutcomePartitioner();

    @Override
    public Optional<Set<Integer>> partitions(String topic, String eventId, Object value, int numPartitions) {
        return eventId == null ? Optional.empty() : Optional.of(Set.of(outcomes.partition(eventId, numPartitions)));
    }
}
