package io.eventline.shorturl;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Counts clicks of existing links in total and per minute. It shares its task with the links store, so one
 * instance holds a link and all of its counts and the stats route needs a single lookup.
 */
final class ClickCounter implements Processor<String, LinkClicked, Void, Void> {
    static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

    private KeyValueStore<String, LinkCreated> links;
    private KeyValueStore<String, Long> totals;
    private WindowStore<String, Long> perMinute;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.links = context.getStateStore(ShortUrlStores.LINKS);
        this.totals = context.getStateStore(ShortUrlStores.CLICK_TOTALS);
        this.perMinute = context.getStateStore(ShortUrlStores.CLICKS_BY_MINUTE);
    }

    @Override
    public void process(Record<String, LinkClicked> record) {
        final String code = record.key();
        if (code == null || record.value() == null || links.get(code) == null) {
            return;
        }
        final Long total = totals.get(code);
        totals.put(code, total == null ? 1 : total + 1);
        final long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), MINUTE_MS);
        final Long inWindow = perMinute.fetch(code, windowStart);
        perMinute.put(code, inWindow == null ? 1 : inWindow + 1, windowStart);
    }
}
