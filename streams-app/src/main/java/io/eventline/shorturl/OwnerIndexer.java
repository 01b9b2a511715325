package io.eventline.shorturl;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Keeps each owner's links under keys that range-scan newest first. */
final class OwnerIndexer implements Processor<String, LinkCreated, Void, Void> {
    private KeyValueStore<String, LinkCreated> byOwner;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.byOwner = context.getStateStore(ShortUrlStores.LINKS_BY_OWNER);
    }

    @Override
    public void process(Record<String, LinkCreated> record) {
        final LinkCreated link = record.value();
        if (link != null) {
            byOwner.put(OwnerKeys.of(link.getOwnerId(), link.getTimestamp().toEpochMilli(), link.getCode()), link);
        }
    }
}
