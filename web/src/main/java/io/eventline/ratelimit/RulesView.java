package io.eventline.ratelimit;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** This instance's copy of every domain's rules (a global store): read locally, never routed. */
public final class RulesView {
    private final KafkaStreams streams;
    private volatile ReadOnlyKeyValueStore<String, RateLimitRules> store;

    public RulesView(KafkaStreams streams) {
        this.streams = streams;
    }

    /** The rules of {@code domain}, or null when it has none or they cannot be read yet. */
    public RateLimitRules get(String domain) {
        try {
            return store().get(domain);
        } catch (InvalidStateStoreException e) {
            store = null;
            return null;
        }
    }

    /** Every domain's rules, by domain name. */
    public List<RateLimitRules> all() {
        final List<RateLimitRules> rules = new ArrayList<>();
        try (KeyValueIterator<String, RateLimitRules> all = store().all()) {
            all.forEachRemaining(entry -> rules.add(entry.value));
        }
        return rules;
    }

    private ReadOnlyKeyValueStore<String, RateLimitRules> store() {
        ReadOnlyKeyValueStore<String, RateLimitRules> current = store;
        if (current == null) {
            current = streams.store(StoreQueryParameters.fromNameAndType(RateLimitStores.RULES,
                    QueryableStoreTypes.keyValueStore()));
            store = current;
        }
        return current;
    }
}
