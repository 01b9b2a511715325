package io.eventline.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Folds every delivery's state changes into one status per eventId, for {@code GET /api/v1/notifications/{id}}.
 * The status is kept in a window store at the time its first change arrived, so statuses leave with their
 * window after the retention instead of piling up.
 */
public final class StatusKeeper implements Processor<String, DeliveryStatusChanged, Void, Void> {
    private static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE / 2);
    private static final Set<DeliveryState> FINAL = EnumSet.of(DeliveryState.SENT, DeliveryState.FAILED,
            DeliveryState.SKIPPED, DeliveryState.NOT_CONFIGURED);
    private WindowStore<String, NotificationStatus> statuses;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.statuses = context.getStateStore(NotifyStores.STATUS);
    }

    /** The status of {@code eventId} and the time it is filed under, or null. */
    public static KeyValue<Long, NotificationStatus> find(ReadOnlyWindowStore<String, NotificationStatus> store,
                                                   String eventId) {
        try (WindowStoreIterator<NotificationStatus> found = store.fetch(eventId, Instant.EPOCH, FAR_FUTURE)) {
            KeyValue<Long, NotificationStatus> latest = null;
            while (found.hasNext()) {
                latest = found.next();
            }
            return latest;
        }
    }

    @Override
    public void process(Record<String, DeliveryStatusChanged> record) {
        final DeliveryStatusChanged change = record.value();
        if (change == null) {
            return;
        }
        final KeyValue<Long, NotificationStatus> stored = find(statuses, change.getEventId());
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
        statuses.put(change.getEventId(), status, filedAt);
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
