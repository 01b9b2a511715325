package io.eventline.ratelimit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How the rate limiter behaves.
 *
 * @param domain            the domain Eventline's own endpoints are limited under (the defaults are for {@code eventline})
 * @param rulesFile         rules that seed {@code ratelimit.rules.v1} while it is empty; the built-in defaults if absent
 * @param decisionTimeout   how long a caller waits for a decision before applying the rule's failure mode
 * @param decisionRetention how long a decision is kept by request ID, so a replayed check gets the same answer
 * @param trustedProxies    addresses or CIDR blocks whose {@code X-Forwarded-For} names the client
 * @param maxUnloggedHits   decisions per counter partition that may wait to be logged at once: the most a
 *                          {@code kill -9} of the counter's owner can lose; at the bound, checks get their rule's
 *                          failure mode until the log catches up
 * @param counters          where the limiter's tasks announce the counters this process decides
 */
public record RateLimitSettings(String domain, Optional<Path> rulesFile, Duration decisionTimeout, Duration decisionRetention,
                                List<String> trustedProxies, int maxUnloggedHits, CounterPartitions counters) {
    public RateLimitSettings {
        counters = counters == null ? new CounterPartitions() : counters;
    }

    /** These settings, the limiter's tasks announcing their counters to {@code counters}. */
    public RateLimitSettings withCounters(CounterPartitions counters) {
        return new RateLimitSettings(domain, rulesFile, decisionTimeout, decisionRetention, trustedProxies,
                maxUnloggedHits, counters);
    }
}
