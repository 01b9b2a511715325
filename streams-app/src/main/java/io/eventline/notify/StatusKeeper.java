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
 * eventId and recipient, so a fan-out to thousands of users is split across as many small records instead of
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

    /** The key of one recipient's deliveries of {@code eventId}. */
    static String key(String eventId, String userId) {
        return eventId + SEPARATOR + userId;
    }

    /**
     * Every delivery of {@code eventId}, to all its recipients, with the time the first was filed under; null
     * when none is known. Statuses filed under the eventId alone, before they were split, are read too.
     */
    public static KeyValue<Long, NotificationStatus> find(ReadOnlyWindowStore<String, NotificationStatus> store,
                                                          String eventId) {
        final KeyValue<Long, NotificationStatus> unsplit = WindowLookups.latest(store, eventId);
        final Map<String, KeyValue<Long, NotificationStatus>> byKey = new LinkedHashMap<>();
        try (KeyValueIterator<Windowed<String>, NotificationStatus> found = store.fetch(key(eventId, ""),
                key(eventId, String.valueOf(Character.MAX_VALUE)), Instant.EPOCH, WindowLookups.farFuture())) {
            while (found.hasNext()) {
                final KeyValue<Windowed<String>, NotificationStatus> next = found.next();
                // a longer eventId that starts with this one and the separator falls in the range too
                if (eventId.equals(next.value.getEventId())) {
                    byKey.put(next.key.key(), KeyValue.pair(next.key.window().start(), next.value));
                }
            }
        }
        return combined(eventId, unsplit, byKey.values());
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
        final String key = key(change.getEventId(), change.getUserId());
        final KeyValue<Long, NotificationStatus> stored = WindowLookups.latest(statuses, key);
        final long filedAt = stored != null ? stored.key : record.timestamp();
        final NotificationStatus status = stored != null ? stored.value : NotificationStatus.newBuilder()
                .setEventId(change.getEventId()).setDeliveries(new ArrayList<>()).build();
        if (status.getRequestedBy() == null) {
            status.setRequestedBy(change.getRequestedBy());
        }
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
