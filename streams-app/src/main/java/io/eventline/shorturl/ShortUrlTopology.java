package io.eventline.shorturl;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.Redaction;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StreamsSettings;
import io.eventline.streams.TypedSinks;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The URL shortener: requests keyed by user get a generated code and their link in one step, or send a custom
 * alias as a claim to the alias's partition, which decides ownership; links are indexed by owner, and clicks of existing links are counted in total and per minute beside the link.
 */
public final class ShortUrlTopology {
    /** How long per-minute click counts are kept: enough for "last 24 hours" plus late clicks. */
    public static final Duration CLICK_RETENTION = Duration.ofHours(25);

    /**
     * @param partitions how many partitions the request, claims, clicks and links topics have: a generated code is
     *                   drawn on the partition its link lives on
     * @param codeSecret the key of the code permutation; changing it only changes which codes come next
     * @param publicUrl  the base of every {@code shortUrl}, e.g. {@code https://sho.rt}
     */
    public record Settings(int partitions, String codeSecret, String publicUrl, LinkUrls links) {
        /** Links are checked against {@code publicUrl} and this machine, without resolving names. */
        public Settings(int partitions, String codeSecret, String publicUrl) {
            this(partitions, codeSecret, publicUrl, LinkUrls.forService(List.of(publicUrl), 0, host -> List.of()));
        }

        @Override
        public String toString() {
            return Redaction.of(this);
        }
    }

    private ShortUrlTopology() {
    }

    public static void addTo(StreamsBuilder builder, Settings settings, EventSerdes serdes) {
        final Serde<String> strings = Serdes.String();
        final Serde<ShortUrlRequested> requestSerde = serdes.of(ShortUrlRequested.class);
        final Serde<CodeClaimed> claimSerde = serdes.of(CodeClaimed.class);
        final Serde<LinkCreated> linkSerde = serdes.of(LinkCreated.class);
        final CodeCipher cipher = new CodeCipher(settings.codeSecret());
        final CodePartitions placement = new CodePartitions(settings.partitions());
        // caches coalesce changelog writes of hot keys (counters, click counts) into one per commit
        // not cached: its changelog record leaves before the outcome, so a replay after a crash finds the code
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ShortUrlStores.DEDUPE), strings, strings));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ShortUrlStores.COUNTERS), strings, Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ShortUrlStores.LINKS), strings, linkSerde).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ShortUrlStores.LINKS_BY_OWNER), strings, linkSerde).withCachingEnabled());

        final Map<String, KStream<String, Object>> checked = builder
                .stream(ShortUrlTopics.REQUESTS.name(), Consumed.with(strings, requestSerde).withName("shorturl-requests"))
                .process(() -> new LinkRequestChecker(settings.links()), Named.as("shorturl-check-request"))
                .split(Named.as("shorturl-checked-"))
                .branch((key, value) -> value instanceof ShortUrlRequested, Branched.as("valid"))
                .branch((key, value) -> value instanceof OperationOutcome, Branched.as("outcome"))
                .defaultBranch(Branched.as("refused"));
        checked.get("shorturl-checked-outcome")
                .mapValues(value -> (OperationOutcome) value, Named.as("shorturl-as-refusal"))
                .to(OperationTopics.OUTCOMES.name(), TypedSinks.outcomes(serdes, "shorturl-refusals-sink"));
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
        final KStream<String, SpecificRecord> decided = assigned.get("shorturl-assigned-decided")
                .merge(claimed, Named.as("shorturl-decided"));

        final Map<String, KStream<String, SpecificRecord>> branches = decided.split(Named.as("shorturl-decided-"))
                .branch((code, value) -> value instanceof LinkCreated, Branched.as("link"))
                .branch((code, value) -> value instanceof OperationOutcome, Branched.as("outcome"))
                .defaultBranch(Branched.as("retry"));
        branches.get("shorturl-decided-link")
                .mapValues(value -> (LinkCreated) value, Named.as("shorturl-as-link"))
                .to(ShortUrlTopics.LINKS.name(), Produced.with(strings, linkSerde).withName("shorturl-links-sink"));
        branches.get("shorturl-decided-outcome")
                .mapValues(value -> (OperationOutcome) value, Named.as("shorturl-as-outcome"))
                .to(OperationTopics.OUTCOMES.name(), TypedSinks.outcomes(serdes, "shorturl-outcomes-sink"));
        branches.get("shorturl-decided-retry")
                .mapValues(value -> (ShortUrlRequested) value, Named.as("shorturl-as-retry"))
                .to(ShortUrlTopics.REQUESTS.name(), Produced.with(strings, requestSerde)
                        .withName("shorturl-retries-sink"));

        builder.stream(ShortUrlTopics.LINKS.name(), Consumed.with(strings, linkSerde).withName("shorturl-links"))
                .selectKey((code, link) -> link.getOwnerId(), Named.as("shorturl-key-by-owner"))
                .repartition(Repartitioned.<String, LinkCreated>as("shorturl-links-by-owner")
                        .withKeySerde(strings).withValueSerde(linkSerde))
                .process(OwnerIndexer::new, Named.as("shorturl-index-by-owner"), ShortUrlStores.LINKS_BY_OWNER);

        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ShortUrlStores.CLICK_TOTALS), strings, Serdes.Long()).withCachingEnabled());
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(ShortUrlStores.CLICKS_BY_MINUTE,
                CLICK_RETENTION, Duration.ofMinutes(1), false), strings, Serdes.Long()).withCachingEnabled());
        builder.stream(ShortUrlTopics.CLICKS.name(), Consumed.with(strings, serdes.of(LinkClicked.class))
                        .withName("shorturl-clicks"))
                .process(ClickCounter::new, Named.as("shorturl-count-clicks"), ShortUrlStores.LINKS,
                        ShortUrlStores.CLICK_TOTALS, ShortUrlStores.CLICKS_BY_MINUTE);
    }
}
