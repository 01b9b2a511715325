package io.eventline.chat;

import io.eventline.kafka.Partitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The presence server of the book's design, on the user's partition. A user is online from the first heartbeat
 * (or socket) on, and offline once no heartbeat arrived for {@code offlineAfter}: a socket that drops and comes
 * back within that time never shows the user offline. Changes go to the global presence table and to the
 * user's contacts' sockets; contacts are 1:1 partners and members of groups small enough to push to. A change
 * reaches contacts on their own partitions, one event per partition, since instances read the user events of
 * the users whose sockets they hold only.
 */
final class PresenceTracker extends ChatProcessor<PresenceSignal> {
    /** While online, the published lastActiveAt is refreshed this often, without telling contacts. */
    static final Duration REFRESH = Duration.ofMinutes(1);

    private final ChatSettings settings;
    private final Partitions partitions;
    private KeyValueStore<String, ChannelView> memberships;
    private KeyValueStore<String, Presence> presence;
    private KeyValueStore<String, Long> online;

    /** @param partitions the partition count of chat's topics, to group contacts by their partition */
    PresenceTracker(ChatSettings settings, Partitions partitions) {
        this.settings = settings;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        memberships = context.getStateStore(ChatStores.MEMBERSHIPS);
        presence = context.getStateStore(ChatStores.PRESENCE);
        online = context.getStateStore(ChatStores.ONLINE);
        final Duration sweep = Duration.ofMillis(Math.max(100, Math.min(1_000, settings.offlineAfter().toMillis() / 5)));
        context.schedule(sweep, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    void handle(Record<String, PresenceSignal> record) {
        final PresenceSignal signal = record.value();
        final String userId = signal.getUserId();
        final long now = context.currentSystemTimeMs();
        final Presence current = presence.get(userId);
        final Map<String, Long> devices = current == null ? new HashMap<>() : new HashMap<>(current.getDevices());
        final String device = signal.getDevice();
        // the signal's own time, when the sender's clock is not ahead of this one
        final long at = Math.min(now, signal.getAt().toEpochMilli());
        if (signal.getKind() == PresenceSignalKind.DISCONNECTED) {
            disconnected(userId, current, devices, device, at);
            return;
        }
        if (device != null) {
            devices.put(device, at);
        }
        final Instant activeAt = signal.getAt().isAfter(Instant.ofEpochMilli(now)) ? Instant.ofEpochMilli(now)
                : signal.getAt();
        online.put(userId, now);
        if (current == null || current.getStatus().getStatus() == PresenceState.OFFLINE) {
            final PresenceStatus status = new PresenceStatus(userId, PresenceState.ONLINE, activeAt);
            presence.put(userId, new Presence(status, Instant.ofEpochMilli(now), devices));
            publish(now, status, true);
            return;
        }
        final PresenceStatus status = current.getStatus();
        final boolean refresh = activeAt.isAfter(status.getLastActiveAt().plus(REFRESH));
        if (refresh) {
            status.setLastActiveAt(activeAt);
        }
        presence.put(userId, new Presence(status, Instant.ofEpochMilli(now), devices));
        if (refresh) {
            publish(now, status, false);
        }
    }

    /**
     * A socket closed. Its device no longer counts as connected, and the signal's time is when the socket was
     * last heard of: sockets forward only some of their heartbeats, so that time may be later than the last one
     * that reached here, and the timeout runs from it.
     */
    private void disconnected(String userId, Presence current, Map<String, Long> devices, String device,
                              long lastHeardOf) {
        if (current == null) {
            return;
        }
        final Long lastHeartbeat = online.get(userId);
        final boolean later = lastHeartbeat != null && lastHeardOf > lastHeartbeat;
        if (later) {
            online.put(userId, lastHeardOf);
            current.setLastHeartbeatAt(Instant.ofEpochMilli(lastHeardOf));
        }
        // a socket of the same device may have connected since; then the device stays
        final Long deviceSeen = device == null ? null : devices.get(device);
        final boolean gone = deviceSeen != null && deviceSeen <= lastHeardOf;
        if (gone) {
            devices.remove(device);
        }
        if (gone || later) {
            current.setDevices(devices);
            presence.put(userId, current);
        }
    }

    /** Marks users offline whose last heartbeat is older than the timeout; forgets their stale devices. */
    private void sweep(long now) {
        final long freshSince = now - settings.offlineAfter().toMillis();
        final List<KeyValue<String, Long>> stale = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = online.all()) {
            it.forEachRemaining(entry -> {
                if (entry.value < freshSince) {
                    stale.add(entry);
                }
            });
        }
        for (KeyValue<String, Long> entry : stale) {
            online.delete(entry.key);
            final Presence current = presence.get(entry.key);
            if (current == null) {
                continue;
            }
            final PresenceStatus status = new PresenceStatus(entry.key, PresenceState.OFFLINE,
                    current.getLastHeartbeatAt().isAfter(current.getStatus().getLastActiveAt())
                            ? current.getLastHeartbeatAt() : current.getStatus().getLastActiveAt());
            presence.put(entry.key, new Presence(status, current.getLastHeartbeatAt(), new HashMap<>()));
            publish(now, status, true);
        }
    }

    private void publish(long timestamp, PresenceStatus status, boolean tellContacts) {
        final String userId = status.getUserId();
        context.forward(new Record<>(userId, (Object) status, timestamp));
        if (tellContacts) {
            // keyed by the batch's first contact, which lands the event on the partition of the whole batch
            for (List<String> audience : partitions.batches(contacts(userId))) {
                final ChatUserEvent event = ChatUserEvent.newBuilder().setUserId(userId).setPresence(status)
                        .setAudience(audience).build();
                context.forward(new Record<>(audience.get(0), (Object) event, timestamp));
            }
        }
    }

    /** Whom the user's presence changes are pushed to. */
    private Set<String> contacts(String userId) {
        final Set<String> contacts = new LinkedHashSet<>();
        try (KeyValueIterator<String, ChannelView> it = memberships.range(ChatKeys.from(userId),
                ChatKeys.to(userId))) {
            it.forEachRemaining(entry -> contacts.addAll(entry.value.getMembers()));
        }
        contacts.remove(userId);
        return contacts;
    }
}
