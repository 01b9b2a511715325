package io.eventline.ratelimit;

import io.eventline.serde.EventSerdes;
import io.eventline.topics.Topic;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The rate limiter: checks keyed by counter are decided on the partition that owns the counter, against the
 * rules every instance holds; decisions go back to the callers that await them, rejections to dashboards.
 */
public final class RateLimitTopology {
    private RateLimitTopology() {
    }

    /**
     * @param decisionRetention how long a decision is kept by check ID
     * @param partitions        where the tasks announce the counters' partitions they hold in this process
     */
    public static void addTo(StreamsBuilder builder, Duration decisionRetention, EventSerdes serdes,
                             CounterPartitions partitions) {
        builder.globalTable(RateLimitTopics.RULES.name(),
                Consumed.with(Serdes.String(), serdes.of(RateLimitRules.class)).withName("ratelimit-rules-source"),
                Materialized.<String, RateLimitRules, KeyValueStore<Bytes, byte[]>>as(RateLimitStores.RULES)
                        .withKeySerde(Serdes.String()).withValueSerde(serdes.of(RateLimitRules.class)));
        // no cache: every write reaches the changelog at once and in order (see RateLimitStores)
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RateLimitStores.STATE),
                Serdes.String(), Serdes.ByteArray()).withCachingDisabled());
        final var decisions = serdes.of(RateLimitDecision.class);
        final BranchedKStream<String, Object> out = builder.stream(RateLimitTopics.CHECKS.name(),
                        Consumed.with(Serdes.String(), serdes.of(RateLimitCheckRequested.class))
                                .withName("ratelimit-checks-source"))
                .process(() -> new RateLimitProcessor(decisionRetention, decisions, partitions), Named.as("ratelimit-decide"),
                        RateLimitStores.STATE)
                .split(Named.as("ratelimit-"));
        // decisions leave as the bytes recorded for them, already in the topic's wire format
        out.branch((key, value) -> value instanceof byte[], Branched.withConsumer(stream -> stream
                .mapValues(value -> (byte[]) value, Named.as("ratelimit-as-decision"))
                .to(RateLimitTopics.DECISIONS.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                        .withName("ratelimit-decision-sink")), "decision"));
        sink(out, "rejection", RateLimitRejected.class, RateLimitTopics.REJECTIONS, serdes);
        out.noDefaultBranch();
    }

    private static <V extends SpecificRecord> void sink(BranchedKStream<String, Object> split, String name,
                                                        Class<V> type, Topic<V> topic, EventSerdes serdes) {
        split.branch((key, value) -> type.isInstance(value), Branched.withConsumer(stream -> stream
                .mapValues(type::cast, Named.as("ratelimit-as-" + name))
                .to(topic.name(), Produced.with(Serdes.String(), serdes.of(type))
                        .withName("ratelimit-" + name + "-sink")), name));
    }
}
