package io.eventline.crawler;

import java.time.Duration;

/**
 * How the owner of a politeness key keeps its pages' validators for conditional re-fetches.
 *
 * @param maxBytes      what one frontier task's validators store holds at most, counted as the UTF-8 bytes of each
 *                      entry's URL and strings plus a fixed overhead an entry; past it a new page's validators are not
 *                      kept (the page is fetched whole next time) until expired entries make room
 * @param maxAge        how long after its fetch an entry is sent with the page's requests; older entries are not sent
 *                      and the sweep deletes them, so a page is fetched whole at least this often
 * @param sweepInterval how often (wall-clock time) the sweep looks for expired entries
 * @param sweepBatch    entries one sweep looks at, going on where the last one stopped
 */
public record RefetchSettings(long maxBytes, Duration maxAge, Duration sweepInterval, int sweepBatch) {
    public RefetchSettings {
        if (maxBytes < 1 || sweepBatch < 1 || maxAge.isNegative() || maxAge.isZero() || sweepInterval.isNegative()
                || sweepInterval.isZero()) {
            throw new IllegalArgumentException("the validators' cap, age, sweep interval and batch must be positive");
        }
    }

    /** 256 MiB a frontier task, entries used for 30 days, 10,000 entries looked at a minute. */
    public static RefetchSettings defaults() {
        return new RefetchSettings(256L * 1024 * 1024, Duration.ofDays(30), Duration.ofMinutes(1), 10_000);
    }
}
