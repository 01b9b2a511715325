package io.eventline.ratelimit;

import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The rate limiter: checks keyed by counter are decided on the partition that owns the counter, against the
 * rules every instance holds; decisions go back to the callers that await them, rejections to dashboards.
 */
public final class RateLimitTopology {
    private RateLimitTopology() {
    }

    /** The rate limiter alone, for tests. */
    public static Topology build(RateLimitSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(RateLimitTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, RateLimitSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "ratelimit");
        kit.globalTable(RateLimitTopics.RULES, RateLimitStores.RULES, "ratelimit-rules-source");
        // no cache: every write reaches the changelog at once and in order (see RateLimitStores)
        kit.keyValueStore(RateLimitStores.STATE, Serdes.ByteArray(), Caching.UNCACHED);
        final var decisions = serdes.of(RateLimitDecision.class);
        kit.sinks(kit.source(RateLimitTopics.CHECKS)
                        .process(() -> new RateLimitProcessor(settings.decisionRetention(), decisions,
                                settings.counters()), Named.as("ratelimit-decide"), RateLimitStores.STATE),
                        "ratelimit-")
                // decisions leave as the bytes recorded for them, already in the topic's wire format
                .branch("decision", value -> value instanceof byte[], stream -> stream
                        .mapValues(value -> (byte[]) value, Named.as("ratelimit-as-decision"))
                        .to(RateLimitTopics.DECISIONS.name(), Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("ratelimit-decision-sink")))
                .to("rejection", RateLimitRejected.class, RateLimitTopics.REJECTIONS)
                .end();
    }
}
