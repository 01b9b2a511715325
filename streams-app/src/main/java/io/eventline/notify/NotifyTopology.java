package io.eventline.notify;

import io.eventline.feed.FeedTopics;
import io.eventline.feed.GraphChange;
import io.eventline.feed.GraphChangeKind;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.NotifySettings;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TypedSinks;
import java.time.Duration;
import java.util.Properties;
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
import org.apache.kafka.streams.state.Stores;

/**
 * Notifications: requests re-keyed by recipient, de-duplicated, checked against settings and caps, rendered and
 * routed to one topic per provider; devices, contact points and settings kept on the same partitions; statuses
 * folded per eventId; new followers notified. Runs as its own application under exactly-once processing, so that
 * a request's memory in the dedupe store and its deliveries are committed together or not at all.
 */
public final class NotifyTopology {
    /** The template that tells a user about a new follower; params {@code follower}. */
    public static final String NEW_FOLLOWER = "new-follower";

    private NotifyTopology() {
    }

    public static Topology build(NotifySettings settings, UnsubscribeLinks unsubscribe, EventSerdes serdes,
                                 Properties streamsProperties) {
        final StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, settings, unsubscribe, serdes);
        return builder.build(streamsProperties);
    }

    public static void addTo(StreamsBuilder builder, NotifySettings settings, UnsubscribeLinks unsubscribe,
                             EventSerdes serdes) {
        final var requestSerde = serdes.of(NotificationRequested.class);
        builder.globalTable(NotifyTopics.TEMPLATES.name(),
                Consumed.with(Serdes.String(), serdes.of(NotificationTemplate.class)).withName("notify-templates-source"),
                Materialized.<String, NotificationTemplate, KeyValueStore<Bytes, byte[]>>as(NotifyStores.TEMPLATES)
                        .withKeySerde(Serdes.String()).withValueSerde(serdes.of(NotificationTemplate.class)));
        // cached: a commit writes a key's last value once, however often it changed since the last commit
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifyStores.RECIPIENTS),
                Serdes.String(), serdes.of(Recipient.class)).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifyStores.CAPS),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifyStores.INBOX),
                Serdes.String(), serdes.of(InboxEntry.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifyStores.INBOX_INDEX),
                Serdes.String(), Serdes.String()));
        final Duration retention = settings.dedupeRetention();
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(NotifyStores.DEDUPE, retention,
                Duration.ofMillis(1), false), Serdes.String(), Serdes.Long()));
        // not cached: a cached window store keeps serving an entry past its retention until the cache evicts it
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(NotifyStores.STATUS, retention,
                Duration.ofMillis(1), false), Serdes.String(), serdes.of(NotificationStatus.class)));

        builder.stream(FeedTopics.GRAPH_CHANGES.name(), Consumed.with(Serdes.String(), serdes.of(GraphChange.class))
                        .withName("notify-graph-changes-source"))
                .filter((key, change) -> change != null && change.getKind() == GraphChangeKind.FOLLOWED
                        && change.getEventId() != null, Named.as("notify-new-follows"))
                .processValues(NewFollowerRequests::new, Named.as("notify-new-follower-request"))
                .selectKey((key, request) -> request.getUserId(), Named.as("notify-follow-by-followee"))
                .to(NotifyTopics.REQUESTS.name(), Produced.with(Serdes.String(), requestSerde)
                        .withName("notify-new-follower-sink"));

        // requests keyed by their userId (Eventline's own producers, well-behaved services) are already on their
        // user's partition; only the others take the extra hop through the repartition topic
        final KStream<String, NotificationRequested> requests = builder.stream(NotifyTopics.REQUESTS.name(),
                        Consumed.with(Serdes.String(), requestSerde).withName("notify-requests-source"))
                .filter((key, request) -> request != null && request.getUserId() != null,
                        Named.as("notify-requests-present"));
        final KStream<String, NotificationRequested> misrouted = requests
                .filterNot((key, request) -> request.getUserId().equals(key), Named.as("notify-requests-misrouted"))
                .selectKey((key, request) -> request.getUserId(), Named.as("notify-requests-by-user"))
                .repartition(Repartitioned.<String, NotificationRequested>as("notify-requests-by-user")
                        .withKeySerde(Serdes.String()).withValueSerde(requestSerde));
        final BranchedKStream<String, Object> out = requests
                .filter((key, request) -> request.getUserId().equals(key), Named.as("notify-requests-keyed"))
                .merge(misrouted, Named.as("notify-requests-on-user-partition"))
                .process(() -> new NotificationProcessor(retention, settings.inboxLimit(), unsubscribe),
                        Named.as("notify-dispatch"), NotifyStores.RECIPIENTS, NotifyStores.DEDUPE, NotifyStores.CAPS,
                        NotifyStores.INBOX, NotifyStores.INBOX_INDEX)
                .split(Named.as("notify-"));
        out.branch((key, value) -> value instanceof NotificationDelivery, Branched.withConsumer(stream -> stream
                .mapValues(value -> (NotificationDelivery) value, Named.as("notify-as-delivery"))
                .to((key, delivery, context) -> NotifyTopics.of(delivery.getProvider()).name(),
                        Produced.with(Serdes.String(), serdes.of(NotificationDelivery.class))
                                .withName("notify-delivery-sink")), "delivery"));
        TypedSinks.sink(out, "notify-", "status", DeliveryStatusChanged.class, NotifyTopics.STATUS, serdes);
        TypedSinks.sink(out, "notify-", "inapp", InboxEntry.class, NotifyTopics.INAPP, serdes);
        TypedSinks.sink(out, "notify-", "dead-letter", NotificationDeadLettered.class, NotifyTopics.DEAD_LETTERS, serdes);
        out.noDefaultBranch();

        builder.stream(NotifyTopics.RECIPIENTS.name(), Consumed.with(Serdes.String(), serdes.of(RecipientChange.class))
                        .withName("notify-recipients-source"))
                .process(() -> new RecipientKeeper(settings.maxDevices()), Named.as("notify-keep-recipients"), NotifyStores.RECIPIENTS,
                        NotifyStores.INBOX, NotifyStores.INBOX_INDEX)
                .to(OperationTopics.OUTCOMES.name(), TypedSinks.outcomes(serdes, "notify-outcomes-sink"));

        builder.stream(NotifyTopics.STATUS.name(), Consumed.with(Serdes.String(), serdes.of(DeliveryStatusChanged.class))
                        .withName("notify-status-source"))
                .process(StatusKeeper::new, Named.as("notify-keep-status"), NotifyStores.STATUS);
    }
}
