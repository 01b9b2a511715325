package io.eventline.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.query.GlobalView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;

/** This instance's copy of every domain's rules (a global store): read locally, never routed. */
public final class RulesView {
    /**
     * How long the rules read for one request are reused by the next: reading them means a store read and an Avro
     * decoding of the whole domain, on every limited request otherwise. A change reaches the other instances
     * within seconds anyway, and one made here is in force at once (see {@link #awaitVersion}).
     */
    private static final Duration REUSE = Duration.ofMillis(100);
    private static final long MAX_DOMAINS_REMEMBERED = 10_000;

    private final GlobalView<RateLimitRules> rules;
    private final Cache<String, Optional<RateLimitRules>> recent = Caffeine.newBuilder()
            .expireAfterWrite(REUSE).maximumSize(MAX_DOMAINS_REMEMBERED).build();

    public RulesView(KafkaStreams streams) {
        this.rules = new GlobalView<>(streams, RateLimitStores.RULES);
    }

    /**
     * The rules of {@code domain}, or null when it has none or they cannot be read yet; requests are judged by what
     * this read saw from now on.
     */
    public RateLimitRules get(String domain) {
        final RateLimitRules seen = rules.get(domain);
        recent.put(domain, Optional.ofNullable(seen));
        return seen;
    }

    /** The rules of {@code domain} to judge a request by: as {@link #get}, read again at most every 100 ms. */
    public RateLimitRules current(String domain) {
        return recent.get(domain, name -> Optional.ofNullable(rules.get(name))).orElse(null);
    }

    /**
     * Waits until this instance's copy holds version {@code version} of {@code domain}'s rules, or a later one;
     * from then on the next request here is judged by them.
     */
    public boolean awaitVersion(String domain, long version, Duration timeout) throws InterruptedException {
        final boolean reached = rules.await(domain, seen -> seen.getVersion() >= version, timeout);
        recent.invalidate(domain);
        return reached;
    }

    /** Every domain's rules, by domain name. */
    public List<RateLimitRules> all() {
        return rules.all();
    }
}
