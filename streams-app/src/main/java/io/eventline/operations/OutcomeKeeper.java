package io.eventline.operations;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Keeps the newest outcome of each write by event ID, filed at the time its first outcome came; a late "pending"
 * marker never hides the outcome that already arrived.
 */
final class OutcomeKeeper implements Processor<String, OperationOutcome, Void, Void> {
    private WindowStore<String, OperationOutcome> outcomes;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        outcomes = context.getStateStore(OperationStores.OUTCOMES);
    }

    @Override
    public void process(Record<String, OperationOutcome> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        final KeyValue<Long, OperationOutcome> kept = OperationStores.outcome(outcomes, record.key());
        if (kept != null && Outcomes.isTerminal(kept.value)) {
            return;
        }
        outcomes.put(record.key(), record.value(), kept != null ? kept.key : record.timestamp());
    }
}
