package io.eventline.shorturl;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StreamsSettings;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The URL shortener: requests keyed by user get a generated code and their link in one step, or send a custom
 * alias as a claim to the alias's partition, which decides ownership; links are indexed by owner, and clicks of existing links are counted in total and per minute beside the link.
 */
public final class ShortUrlTopology {
    /** How long per-minute click counts are kept: enough for "last 24 hours" plus late clicks. */
    public static final Duration CLICK_RETENTION = Duration.ofHours(25);

    private ShortUrlTopology() {
    }

    /** The URL shortener alone, for tests. */
    public static Topology build(ShortUrlSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(ShortUrlTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, ShortUrlSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "shorturl");
        final Serde<String> strings = Serdes.String();
        final Serde<ShortUrlRequested> requestSerde = serdes.of(ShortUrlRequested.class);
        final Serde<CodeClaimed> claimSerde = serdes.of(CodeClaimed.class);
        final Serde<LinkCreated> linkSerde = serdes.of(LinkCreated.class);
        final CodeCipher cipher = new CodeCipher(settings.codeSecret());
        final CodePartitions placement = new CodePartitions(settings.partitions());
        // caches coalesce changelog writes of hot keys (counters, click counts) into one per commit
        // not cached: its changelog record leaves before the outcome, so a replay after a crash finds the code
        kit.keyValueStore(ShortUrlStores.DEDUPE, strings, Caching.UNCACHED);
        kit.keyValueStore(ShortUrlStores.COUNTERS, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(ShortUrlStores.LINKS, linkSerde, Caching.CACHED);
        kit.keyValueStore(ShortUrlStores.LINKS_BY_OWNER, linkSerde, Caching.CACHED);

        final Map<String, KStream<String, Object>> checked = kit.source(ShortUrlTopics.REQUESTS,
                        Requests.of(ShortUrlRequested::getEventId, ShortUrlRequested::getUserId))
                .process(() -> new LinkRequestChecker(settings.links()), Named.as("shorturl-check-request"))
                .split(Named.as("shorturl-checked-"))
                .branch((key, value) -> value instanceof ShortUrlRequested, Branched.as("valid"))
                .branch((key, value) -> value instanceof OperationOutcome, Branched.as("outcome"))
                .defaultBranch(Branched.as("refused"));
        kit.to(checked.get("shorturl-checked-outcome")
                .mapValues(value -> (OperationOutcome) value, Named.as("shorturl-as-refusal")),
                OperationTopics.OUTCOMES, "shorturl-refusals-sink");
        checked.get("shorturl-checked-refused")
                .mapValues(value -> ((LinkRequestChecker.Refused) value).request(), Named.as("shorturl-as-dead-letter"))
                .to(StreamsSettings.DEAD_LETTER_TOPIC, Produced.with(strings, requestSerde)
                        .withName("shorturl-dead-letters-sink"));

        // generated codes are decided in the assigner (one step); only aliases travel on to their code's partition
        final Map<String, KStream<String, SpecificRecord>> assigned = checked.get("shorturl-checked-valid")
                .mapValues(value -> (ShortUrlRequested) value, Named.as("shorturl-as-request"))
                .process(() -> new CodeAssigner(cipher, placement, settings.publicUrl()),
                        Named.as("shorturl-assign-code"), ShortUrlStores.DEDUPE, ShortUrlStores.COUNTERS,
                        ShortUrlStores.LINKS)
                .split(Named.as("shorturl-assigned-"))
                .branch((key, value) -> value instanceof CodeClaimed, Branched.as("claim"))
                .defaultBranch(Branched.as("decided"));
        final KStream<String, SpecificRecord> claimed = assigned.get("shorturl-assigned-claim")
                .mapValues(value -> (CodeClaimed) value, Named.as("shorturl-as-claim"))
                .repartition(Repartitioned.<String, CodeClaimed>as("shorturl-code-claims")
                        .withKeySerde(strings).withValueSerde(claimSerde).withNumberOfPartitions(settings.partitions()))
                .process(() -> new CodeClaimer(settings.publicUrl()), Named.as("shorturl-claim-code"), ShortUrlStores.LINKS);
        kit.sinks(assigned.get("shorturl-assigned-decided").merge(claimed, Named.as("shorturl-decided")),
                        "shorturl-decided-")
                .to("link", LinkCreated.class, ShortUrlTopics.LINKS)
                .to("outcome", OperationOutcome.class, OperationTopics.OUTCOMES)
                .to("retry", ShortUrlRequested.class, ShortUrlTopics.REQUESTS)
                .end();

        kit.stream(ShortUrlTopics.LINKS, "shorturl-links")
                .selectKey((code, link) -> link.getOwnerId(), Named.as("shorturl-key-by-owner"))
                .repartition(Repartitioned.<String, LinkCreated>as("shorturl-links-by-owner")
                        .withKeySerde(strings).withValueSerde(linkSerde))
                .process(OwnerIndexer::new, Named.as("shorturl-index-by-owner"), ShortUrlStores.LINKS_BY_OWNER);

        kit.keyValueStore(ShortUrlStores.CLICK_TOTALS, Serdes.Long(), Caching.CACHED);
        kit.windowStore(ShortUrlStores.CLICKS_BY_MINUTE, CLICK_RETENTION, Duration.ofMinutes(1), Serdes.Long(),
                Caching.CACHED);
        kit.source(ShortUrlTopics.CLICKS)
                .process(ClickCounter::new, Named.as("shorturl-count-clicks"), ShortUrlStores.LINKS,
                        ShortUrlStores.CLICK_TOTALS, ShortUrlStores.CLICKS_BY_MINUTE);
    }
}
