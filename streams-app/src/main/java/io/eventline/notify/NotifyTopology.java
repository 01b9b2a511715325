package io.eventline.notify;

import io.eventline.feed.FeedTopics;
import io.eventline.feed.GraphChangeKind;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

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

    /** Notifications alone, for tests. */
    public static Topology build(NotifySettings settings, EventSerdes serdes) {
        return TopologyKit.alone(NotifyTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, NotifySettings settings, EventSerdes serdes) {
        final UnsubscribeLinks unsubscribe = Objects.requireNonNull(settings.unsubscribe(),
                "notify settings without unsubscribe links");
        final TopologyKit kit = new TopologyKit(builder, serdes, "notify");
        kit.globalTable(NotifyTopics.TEMPLATES, NotifyStores.TEMPLATES, "notify-templates-source");
        // cached: a commit writes a key's last value once, however often it changed since the last commit
        kit.keyValueStore(NotifyStores.RECIPIENTS, serdes.of(Recipient.class), Caching.CACHED);
        kit.keyValueStore(NotifyStores.CAPS, Serdes.ByteArray(), Caching.UNCACHED);
        kit.keyValueStore(NotifyStores.INBOX, serdes.of(InboxEntry.class), Caching.UNCACHED);
        kit.keyValueStore(NotifyStores.INBOX_INDEX, Serdes.String(), Caching.UNCACHED);
        final Duration retention = settings.dedupeRetention();
        kit.windowStore(NotifyStores.DEDUPE, retention, Duration.ofMillis(1), Serdes.Long(), Caching.UNCACHED);
        kit.windowStore(NotifyStores.STATUS, retention, Duration.ofMillis(1), serdes.of(NotificationStatus.class),
                Caching.UNCACHED);

        kit.to(kit.stream(FeedTopics.GRAPH_CHANGES, "notify-graph-changes-source")
                .filter((key, change) -> change != null && change.getKind() == GraphChangeKind.FOLLOWED
                        && change.getEventId() != null, Named.as("notify-new-follows"))
                .processValues(NewFollowerRequests::new, Named.as("notify-new-follower-request"))
                .selectKey((key, request) -> request.getUserId(), Named.as("notify-follow-by-followee")),
                NotifyTopics.REQUESTS, "notify-new-follower-sink");

        // requests keyed by their userId (Eventline's own producers, well-behaved services) are already on their
        // user's partition; only the others take the extra hop through the repartition topic
        kit.sinks(kit.rekeyed(NotifyTopics.REQUESTS, "notify-requests-source", "notify-requests-by-user")
                        .process(() -> new NotificationProcessor(retention, settings.inboxLimit(), unsubscribe),
                                Named.as("notify-dispatch"), NotifyStores.RECIPIENTS, NotifyStores.DEDUPE,
                                NotifyStores.CAPS, NotifyStores.INBOX, NotifyStores.INBOX_INDEX), "notify-")
                .branch("delivery", value -> value instanceof NotificationDelivery, stream -> stream
                        .mapValues(value -> (NotificationDelivery) value, Named.as("notify-as-delivery"))
                        .to((key, delivery, context) -> NotifyTopics.of(delivery.getProvider()).name(),
                                Produced.with(Serdes.String(), serdes.of(NotificationDelivery.class))
                                        .withName("notify-delivery-sink")))
                .to("status", DeliveryStatusChanged.class, NotifyTopics.STATUS)
                .to("inapp", InboxEntry.class, NotifyTopics.INAPP)
                .to("dead-letter", NotificationDeadLettered.class, NotifyTopics.DEAD_LETTERS)
                .end();

        kit.to(kit.source(NotifyTopics.RECIPIENTS,
                        Requests.of(RecipientChange::getEventId, RecipientChange::getUserId))
                .process(() -> new RecipientKeeper(settings.maxDevices()), Named.as("notify-keep-recipients"),
                        NotifyStores.RECIPIENTS, NotifyStores.INBOX, NotifyStores.INBOX_INDEX),
                OperationTopics.OUTCOMES, "notify-outcomes-sink");

        kit.source(NotifyTopics.STATUS)
                .process(StatusKeeper::new, Named.as("notify-keep-status"), NotifyStores.STATUS);
    }
}
