package io.eventline.streams;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OutcomeStreamPartitioner;
import io.eventline.serde.EventSerdes;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The plumbing every domain's topology shares: typed sources from a {@link Topic} (refusing records under a key
 * other than the one their event computes), typed sinks partitioned as their topic is, named stores and global
 * tables. One kit per domain: its name prefixes the nodes it adds and names the metric group that counts wrongly
 * keyed records ({@code stream-<domain>-metrics}, {@code misrouted-total}).
 */
public final class TopologyKit {
    /** Whether a store keeps a cache, which coalesces repeated writes of a key into one changelog record per commit. */
    public enum Caching { CACHED, UNCACHED }

    private final StreamsBuilder builder;
    private final EventSerdes serdes;
    private final String domain;

    /** How a domain adds its steps to an application: every domain's {@code addTo}. */
    @FunctionalInterface
    public interface Steps<S> {
        void addTo(StreamsBuilder builder, S settings, EventSerdes serdes);
    }

    /** One domain's steps alone in a topology, as Kafka Streams' test driver runs them. */
    public static <S> Topology alone(Steps<S> steps, S settings, EventSerdes serdes) {
        final StreamsBuilder builder = new StreamsBuilder();
        steps.addTo(builder, settings, serdes);
        return builder.build();
    }

    public TopologyKit(StreamsBuilder builder, EventSerdes serdes, String domain) {
        this.builder = builder;
        this.serdes = serdes;
        this.domain = domain;
    }

    public StreamsBuilder builder() {
        return builder;
    }

    public EventSerdes serdes() {
        return serdes;
    }

    public <V extends SpecificRecord> Serde<V> serde(Class<V> type) {
        return serdes.of(type);
    }

    // ---- sources ----

    /**
     * The records of {@code topic} as they are, for a reader that keeps nothing on their key's partition (the
     * topic's owner refuses the wrongly keyed ones).
     */
    public <V extends SpecificRecord> KStream<String, V> stream(Topic<V> topic, String sourceName) {
        return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(sourceName));
    }

    /**
     * The records of {@code topic} under the key their event computes; the others go to
     * {@link StreamsSettings#DEAD_LETTER_TOPIC} with the reason in their headers, and are counted.
     */
    public <V extends SpecificRecord> KStream<String, V> source(Topic<V> topic) {
        return source(topic, null);
    }

    /**
     * As {@link #source(Topic)}, and a wrongly keyed request someone awaits is answered 400 {@code invalid-request}
     * with the reason.
     */
    public <V extends SpecificRecord> KStream<String, V> source(Topic<V> topic, Requests<V> requests) {
        final String name = nodeName(topic);
        final Map<String, KStream<String, Object>> checked = stream(topic, topic.name() + "-source")
                .process(() -> new KeyCheck<>(topic, domain, requests), Named.as(name + "-key-check"))
                .split(Named.as(name + "-keyed-"))
                .branch((key, value) -> value instanceof KeyCheck.Refused, Branched.as("refused"))
                .branch((key, value) -> value instanceof KeyCheck.Answer, Branched.as("answer"))
                .defaultBranch(Branched.as("ok"));
        checked.get(name + "-keyed-refused")
                .mapValues(value -> topic.valueType().cast(((KeyCheck.Refused) value).value()),
                        Named.as(name + "-as-dead-letter"))
                .to(StreamsSettings.DEAD_LETTER_TOPIC, Produced.with(Serdes.String(), serdes.of(topic.valueType()))
                        .withName(name + "-dead-letters-sink"));
        checked.get(name + "-keyed-answer")
                .mapValues(value -> ((KeyCheck.Answer) value).outcome(), Named.as(name + "-as-answer"))
                .to(OperationTopics.OUTCOMES.name(), produced(OperationTopics.OUTCOMES, name + "-answers-sink"));
        return checked.get(name + "-keyed-ok")
                .mapValues(value -> topic.valueType().cast(value), Named.as(name + "-as-event"));
    }

    /**
     * The records of a topic that accepts any key ({@link Topic#anyKey()}), each on the partition of the key its
     * event computes: those under another key take one hop through the repartition topic {@code repartition}.
     * Records whose event computes no key are dropped.
     */
    public <V extends SpecificRecord> KStream<String, V> rekeyed(Topic<V> topic, String sourceName,
                                                                 String repartition) {
        final String name = nodeName(topic);
        final KStream<String, V> present = stream(topic, sourceName)
                .filter((key, value) -> value != null && topic.keyOf(value) != null, Named.as(name + "-present"));
        final KStream<String, V> moved = present
                .filterNot((key, value) -> topic.keyOf(value).equals(key), Named.as(name + "-misrouted"))
                .selectKey((key, value) -> topic.keyOf(value), Named.as(name + "-by-key"))
                .repartition(Repartitioned.<String, V>as(repartition).withKeySerde(Serdes.String())
                        .withValueSerde(serdes.of(topic.valueType())));
        return present.filter((key, value) -> topic.keyOf(value).equals(key), Named.as(name + "-keyed"))
                .merge(moved, Named.as(name + "-on-key-partition"));
    }

    /** What identifies a request whose outcome someone awaits. */
    public interface Requests<V> {
        /** The event ID the caller awaits, or null when nobody does. */
        String eventId(V event);

        /** The user the outcome is for, or null. */
        String userId(V event);

        static <V> Requests<V> of(Function<V, String> eventId, Function<V, String> userId) {
            return new Requests<>() {
                @Override
                public String eventId(V event) {
                    return eventId.apply(event);
                }

                @Override
                public String userId(V event) {
                    return userId == null ? null : userId.apply(event);
                }
            };
        }
    }

    // ---- sinks ----

    /** How a step writes {@code topic}, partitioned as the topic is, its sink node named {@code sinkName}. */
    public <V extends SpecificRecord> Produced<String, V> produced(Topic<V> topic, String sinkName) {
        final Produced<String, V> produced = Produced.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(sinkName);
        // the instance awaiting an outcome reads only its own partition of the outcomes
        return OperationTopics.OUTCOMES.equals(topic) ? produced.withStreamPartitioner(new OutcomeStreamPartitioner())
                : produced;
    }

    /** Writes {@code stream} to {@code topic}, its sink node named {@code sinkName}. */
    public <V extends SpecificRecord> void to(KStream<String, V> stream, Topic<V> topic, String sinkName) {
        stream.to(topic.name(), produced(topic, sinkName));
    }

    /** Sends the outputs of a step, of several event types, each to the topic of its type. */
    @SuppressWarnings("unchecked")
    public Sinks sinks(KStream<String, ?> out, String prefix) {
        // only read: every output is an Object
        return new Sinks(((KStream<String, Object>) out).split(Named.as(prefix)), prefix);
    }

    /** The branches of one step's outputs; {@link #end()} refuses any output of a type no branch took. */
    public final class Sinks {
        private final BranchedKStream<String, Object> split;
        private final String prefix;

        private Sinks(BranchedKStream<String, Object> split, String prefix) {
            this.split = split;
            this.prefix = prefix;
        }

        /** Values of {@code type} go to {@code topic}; {@code name} names the branch. */
        public <V extends SpecificRecord> Sinks to(String name, Class<V> type, Topic<V> topic) {
            return to(name, type::isInstance, type::cast, topic);
        }

        /** Values that {@code accept} takes go to {@code topic} as {@code convert} makes them. */
        public <V extends SpecificRecord> Sinks to(String name, Predicate<Object> accept,
                                                   Function<Object, V> convert, Topic<V> topic) {
            split.branch((key, value) -> accept.test(value), Branched.withConsumer(stream -> stream
                    .mapValues(convert::apply, Named.as(prefix + name + "-cast"))
                    .to(topic.name(), produced(topic, prefix + topic.name().replace('.', '-') + "-sink")), name));
            return this;
        }

        /** Values that {@code accept} takes go to a sink of the caller's making. */
        public Sinks branch(String name, Predicate<Object> accept,
                            Consumer<KStream<String, Object>> sink) {
            split.branch((key, value) -> accept.test(value), Branched.withConsumer(sink::accept, name));
            return this;
        }

        public void end() {
            split.noDefaultBranch();
        }
    }

    // ---- stores ----

    /** A persistent key-value store of string keys, logged to its changelog. */
    public <V> void keyValueStore(String name, Serde<V> values, Caching caching) {
        keyValueStore(name, values, caching, Map.of());
    }

    /** As {@link #keyValueStore(String, Serde, Caching)}, its changelog created with {@code changelogConfigs}. */
    public <V> void keyValueStore(String name, Serde<V> values, Caching caching, Map<String, String> changelogConfigs) {
        final StoreBuilder<KeyValueStore<String, V>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(name), Serdes.String(), values).withLoggingEnabled(changelogConfigs);
        builder.addStateStore(caching == Caching.CACHED ? store.withCachingEnabled() : store.withCachingDisabled());
    }

    /**
     * A persistent window store of string keys without duplicates, logged to its changelog. A cached window
     * store keeps serving an entry past its retention until the cache evicts it, so stores read by age are not.
     */
    public <V> void windowStore(String name, Duration retention, Duration windowSize, Serde<V> values,
                                Caching caching) {
        final var store = Stores.windowStoreBuilder(Stores.persistentWindowStore(name, retention, windowSize, false),
                Serdes.String(), values);
        builder.addStateStore(caching == Caching.CACHED ? store.withCachingEnabled() : store.withCachingDisabled());
    }

    /** A table of {@code topic} that every instance holds whole, in the store {@code storeName}. */
    public <V extends SpecificRecord> void globalTable(Topic<V> topic, String storeName, String sourceName) {
        final Serde<V> values = serdes.of(topic.valueType());
        builder.globalTable(topic.name(), Consumed.with(Serdes.String(), values).withName(sourceName),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(storeName)
                        .withKeySerde(Serdes.String()).withValueSerde(values));
    }

    private static String nodeName(Topic<?> topic) {
        return topic.name().replace('.', '-');
    }
}
