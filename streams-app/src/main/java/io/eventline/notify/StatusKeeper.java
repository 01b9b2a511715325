package io.eventline.notify;

import io.eventline.streams.WindowLookups;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Folds every delivery's state changes into statuses for {@code GET /api/v1/notifications/{id}}: one record per
 * eventId, requester and recipient (each service chooses its own event IDs, so two may use the same), so a fan-out to thousands of users is split across as many small records instead of
 * one that outgrows a Kafka record (a recipient's record holds their devices and contact points, which are
 * capped). Records are kept in a window store at the time their first change arrived, so statuses leave with
 * their window after the retention instead of piling up.
 */
public final class StatusKeeper implements Processor<String, DeliveryStatusChanged, Void, Void> {
    private static final Set<DeliveryState> FINAL = EnumSet.of(DeliveryState.SENT, DeliveryState.FAILED,
            DeliveryState.SKIPPED, DeliveryState.NOT_CONFIGURED);
    /** Between an eventId and a user ID in a key; user IDs never contain it, so a key names one recipient. */
    private static final char SEPARATOR = '|';
    private WindowStore<String, NotificationStatus> statuses;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.statuses = context.getStateStore(NotifyStores.STATUS);
    }

    /**
     * The key of one recipient's deliveries of {@code eventId} as {@code requestedBy} asked for them. The event ID
     * and the requester come with their lengths first, so the keys of one (eventId, requester) share a prefix no
     * other pair's keys start with; the record stays on the eventId's partition, as the topic is keyed.
     */
    static String key(String eventId, String requestedBy, String userId) {
        return prefix(eventId, requestedBy) + userId;
    }

    private static String prefix(String eventId) {
        return eventId.length() + ":" + eventId;
    }

    private static String prefix(String eventId, String requestedBy) {
        final String requester = requestedBy == null ? "" : requestedBy;
        return prefix(eventId) + requester.length() + ":" + requester + SEPARATOR;
    }

    /** The key recipients' records had before event IDs were scoped by their requester. */
    private static String unscopedKey(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    /**
     * Every delivery of {@code eventId}, to all its recipients and from every requester, with the time the first
     * was filed under; null when none is known.
     */
    public static KeyValue<Long, NotificationStatus> find(ReadOnlyWindowStore<String, NotificationStatus> store,
                                                          String eventId) {
        final Map<String, KeyValue<Long, NotificationStatus>> byRequester = byRequester(store, eventId);
        if (byRequester.size() <= 1) {
            return byRequester.values().stream().findFirst().orElse(null);
        }
        final List<KeyValue<Long, NotificationStatus>> parts = new ArrayList<>(byRequester.values());
        final KeyValue<Long, NotificationStatus> all = combined(eventId, null, parts);
        all.value.setRequestedBy(null);
        return all;
    }

    /**
     * The status of {@code eventId} per requester ({@link #NO_REQUESTER} for requests without one): each
     * requester's own notification, with every recipient's deliveries and the time the first was filed under.
     * Statuses filed before they were scoped (under the eventId alone, or eventId and recipient) are read too,
     * under the requester they name.
     */
    public static Map<String, KeyValue<Long, NotificationStatus>> byRequester(
            ReadOnlyWindowStore<String, NotificationStatus> store, String eventId) {
        final Map<String, KeyValue<Long, NotificationStatus>> unsplit = new LinkedHashMap<>();
        final KeyValue<Long, NotificationStatus> legacy = WindowLookups.latest(store, eventId);
        if (legacy != null && eventId.equals(legacy.value.getEventId())) {
            unsplit.put(requesterOf(legacy.value), legacy);
        }
        final Map<String, Map<String, KeyValue<Long, NotificationStatus>>> split = new LinkedHashMap<>();
        collect(store, prefix(eventId), eventId, split);
        collect(store, unscopedKey(eventId, ""), eventId, split);
        final Map<String, KeyValue<Long, NotificationStatus>> statuses = new LinkedHashMap<>();
        final java.util.Set<String> requesters = new java.util.LinkedHashSet<>(split.keySet());
        requesters.addAll(unsplit.keySet());
        for (String requester : requesters) {
            final KeyValue<Long, NotificationStatus> status = combined(eventId, unsplit.get(requester),
                    split.getOrDefault(requester, Map.of()).values());
            if (status != null) {
                statuses.put(requester, status);
            }
        }
        return statuses;
    }

    /** What {@link #byRequester} files a request without a requester under. */
    public static final String NO_REQUESTER = "";

    private static String requesterOf(NotificationStatus status) {
        return status.getRequestedBy() == null ? NO_REQUESTER : status.getRequestedBy();
    }

    private static void collect(ReadOnlyWindowStore<String, NotificationStatus> store, String prefix, String eventId,
                                Map<String, Map<String, KeyValue<Long, NotificationStatus>>> into) {
        try (KeyValueIterator<Windowed<String>, NotificationStatus> found = store.fetch(prefix,
                prefix + Character.MAX_VALUE, Instant.EPOCH, WindowLookups.farFuture())) {
            while (found.hasNext()) {
                final KeyValue<Windowed<String>, NotificationStatus> next = found.next();
                // an older key of a longer eventId that starts with this one falls in the unscoped range too
                if (eventId.equals(next.value.getEventId())) {
                    into.computeIfAbsent(requesterOf(next.value), requester -> new LinkedHashMap<>())
                            .put(next.key.key(), KeyValue.pair(next.key.window().start(), next.value));
                }
            }
        }
    }

    /**
     * One status of the recipients' records, and of the record filed before statuses were split, if any. Each
     * recipient's record holds only that recipient's deliveries, so they are simply put together; only those of
     * the unsplit record can repeat one of them, and are folded in.
     */
    private static KeyValue<Long, NotificationStatus> combined(String eventId,
                                                               KeyValue<Long, NotificationStatus> unsplit,
                                                               Collection<KeyValue<Long, NotificationStatus>> split) {
        final List<KeyValue<Long, NotificationStatus>> parts = new ArrayList<>(split);
        if (unsplit != null) {
            parts.add(unsplit);
        }
        long filedAt = Long.MAX_VALUE;
        final NotificationStatus status = NotificationStatus.newBuilder().setEventId(eventId)
                .setDeliveries(new ArrayList<>()).build();
        List<DeliveryStatusChanged> deliveries = new ArrayList<>();
        for (KeyValue<Long, NotificationStatus> part : parts) {
            filedAt = Math.min(filedAt, part.key);
            if (status.getRequestedBy() == null) {
                status.setRequestedBy(part.value.getRequestedBy());
            }
            if (status.getTemplate() == null) {
                status.setTemplate(part.value.getTemplate());
            }
            if (part == unsplit) {
                for (DeliveryStatusChanged delivery : part.value.getDeliveries()) {
                    deliveries = merged(deliveries, delivery);
                }
            } else {
                deliveries.addAll(part.value.getDeliveries());
            }
        }
        if (deliveries.isEmpty()) {
            return null;
        }
        status.setDeliveries(deliveries);
        return KeyValue.pair(filedAt, status);
    }

    @Override
    public void process(Record<String, DeliveryStatusChanged> record) {
        final DeliveryStatusChanged change = record.value();
        if (change == null) {
            return;
        }
        final String key = key(change.getEventId(), change.getRequestedBy(), change.getUserId());
        final KeyValue<Long, NotificationStatus> stored = WindowLookups.latest(statuses, key);
        final long filedAt = stored != null ? stored.key : record.timestamp();
        final NotificationStatus status = stored != null ? stored.value : NotificationStatus.newBuilder()
                .setEventId(change.getEventId()).setRequestedBy(change.getRequestedBy())
                .setDeliveries(new ArrayList<>()).build();
        if (status.getTemplate() == null) {
            status.setTemplate(change.getTemplate());
        }
        status.setDeliveries(merged(status.getDeliveries(), change));
        statuses.put(key, status, filedAt);
    }

    /** Replaces the same delivery's entry, unless that one is final and the change an older step of it. */
    static List<DeliveryStatusChanged> merged(List<DeliveryStatusChanged> deliveries, DeliveryStatusChanged change) {
        final List<DeliveryStatusChanged> result = new ArrayList<>();
        boolean placed = false;
        for (DeliveryStatusChanged existing : deliveries) {
            if (sameDelivery(existing, change)) {
                placed = true;
                result.add(isOlderStep(existing, change) ? existing : change);
            } else {
                result.add(existing);
            }
        }
        if (!placed) {
            result.add(change);
        }
        return result;
    }

    private static boolean sameDelivery(DeliveryStatusChanged a, DeliveryStatusChanged b) {
        return a.getUserId().equals(b.getUserId()) && a.getChannel() == b.getChannel()
                && Objects.equals(a.getDeviceId(), b.getDeviceId());
    }

    private static boolean isOlderStep(DeliveryStatusChanged existing, DeliveryStatusChanged change) {
        return change.getAttempts() < existing.getAttempts()
                || (FINAL.contains(existing.getState()) && change.getAttempts() == existing.getAttempts()
                && !FINAL.contains(change.getState()));
    }
}
