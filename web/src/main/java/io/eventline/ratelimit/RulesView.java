package io.eventline.ratelimit;

import io.eventline.query.GlobalView;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;

/** This instance's copy of every domain's rules (a global store): read locally, never routed. */
public final class RulesView {
    private final GlobalView<RateLimitRules> rules;

    public RulesView(KafkaStreams streams) {
        this.rules = new GlobalView<>(streams, RateLimitStores.RULES);
    }

    /** The rules of {@code domain}, or null when it has none or they cannot be read yet. */
    public RateLimitRules get(String domain) {
        return rules.get(domain);
    }

    /** Waits until this instance's copy holds version {@code version} of {@code domain}'s rules, or a later one. */
    public boolean awaitVersion(String domain, long version, Duration timeout) throws InterruptedException {
        return rules.await(domain, seen -> seen.getVersion() >= version, timeout);
    }

    /** Every domain's rules, by domain name. */
    public List<RateLimitRules> all() {
        return rules.all();
    }
}
