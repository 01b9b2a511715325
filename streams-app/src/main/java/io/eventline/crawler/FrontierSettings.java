package io.eventline.crawler;

import java.time.Duration;
import java.util.Objects;

/**
 * How the frontier keeps its queues and delays.
 *
 * @param parts            the limits of the crawler's parts (traps, robots, Bloom filters)
 * @param maxQueueEntries  URLs one politeness key's queue holds at most
 * @param maxQueueBytes    bytes of URLs one politeness key's queue holds at most
 * @param maxPagesPerHost  URLs one crawl takes from one host at most
 * @param maxAttempts      fetches of one URL at most when the host answers 429 or 5xx or times out
 * @param selectorInterval how often the queue selector looks for due keys (wall-clock time)
 * @param inFlightTimeout  how long a released request may go unreported before it is released again
 * @param robotsRetry      how long an unreachable robots.txt holds its host's URLs before it is asked for again
 * @param maxBackoff       the longest a 429, 503 or 5xx (or its Retry-After) holds a politeness key
 * @param robotsMaxAge     how long a fetched robots.txt is used before it is fetched again (RFC 9309: a day)
 * @param refetch          how the pages' validators are kept for conditional re-fetches
 */
public record FrontierSettings(CrawlerSettings parts, int maxQueueEntries, long maxQueueBytes, int maxPagesPerHost,
                               int maxAttempts, Duration selectorInterval, Duration inFlightTimeout,
                               Duration robotsRetry, Duration maxBackoff, Duration robotsMaxAge,
                               RefetchSettings refetch) {
    public FrontierSettings {
        if (maxQueueEntries < 1 || maxQueueBytes < 1 || maxPagesPerHost < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException("queue caps, pages per host and attempts must be positive");
        }
        Objects.requireNonNull(refetch, "refetch");
    }

    /** These settings with the default keeping of validators. */
    public FrontierSettings(CrawlerSettings parts, int maxQueueEntries, long maxQueueBytes, int maxPagesPerHost,
                            int maxAttempts, Duration selectorInterval, Duration inFlightTimeout,
                            Duration robotsRetry, Duration maxBackoff, Duration robotsMaxAge) {
        this(parts, maxQueueEntries, maxQueueBytes, maxPagesPerHost, maxAttempts, selectorInterval, inFlightTimeout,
                robotsRetry, maxBackoff, robotsMaxAge, RefetchSettings.defaults());
    }

    /** These settings with {@code refetch} instead of their keeping of validators. */
    public FrontierSettings withRefetch(RefetchSettings refetch) {
        return new FrontierSettings(parts, maxQueueEntries, maxQueueBytes, maxPagesPerHost, maxAttempts,
                selectorInterval, inFlightTimeout, robotsRetry, maxBackoff, robotsMaxAge, refetch);
    }

    /** The defaults around {@code parts}. */
    public static FrontierSettings defaults(CrawlerSettings parts) {
        return new FrontierSettings(parts, 100_000, 16L * 1024 * 1024, 100_000, 3, Duration.ofMillis(20),
                parts.requestTimeout().multipliedBy(parts.maxRedirects() + 2L), Duration.ofSeconds(60),
                Duration.ofMinutes(10), Duration.ofHours(24));
    }
}
