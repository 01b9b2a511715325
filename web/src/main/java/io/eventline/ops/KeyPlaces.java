package io.eventline.ops;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where one domain keeps each kind of key: the topics whose events are about it, the stores partitioned by it,
 * and the state it can tell about it. The key story reads each domain's, so it holds no list of domains.
 */
public record KeyPlaces(List<KeyedTopic<?>> topics, List<KeyedStore> stores, List<KeyedState> states) {
    public static final KeyPlaces NONE = new KeyPlaces(List.of(), List.of(), List.of());

    public KeyPlaces {
        topics = List.copyOf(topics);
        stores = List.copyOf(stores);
        states = List.copyOf(states);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects a domain's places. */
    public static final class Builder {
        private final List<KeyedTopic<?>> topics = new ArrayList<>();
        private final List<KeyedStore> stores = new ArrayList<>();
        private final List<KeyedState> states = new ArrayList<>();

        private Builder() {
        }

        public <V extends SpecificRecord> Builder topic(KeyedTopic<V> topic) {
            topics.add(topic);
            return this;
        }

        /** Stores of {@code application} partitioned by {@code kind}. */
        public Builder stores(KeyKind kind, KeyedStore.Application application, String... names) {
            for (String name : names) {
                stores.add(new KeyedStore(kind, application, name));
            }
            return this;
        }

        public Builder state(KeyKind kind, KeyedStore.Application application, String store,
                             KeyedState.Reader reader) {
            states.add(new KeyedState(kind, application, store, reader));
            return this;
        }

        public KeyPlaces build() {
            return new KeyPlaces(topics, stores, states);
        }
    }
}
