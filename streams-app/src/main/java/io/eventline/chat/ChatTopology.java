package io.eventline.chat;

import io.eventline.kafka.Partitions;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StoreMove;
import io.eventline.streams.StreamsSettings;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;

/**
 * Chat, in two applications. A channel's partition owns its members, its history and the assignment of message
 * IDs; it fans each message out to the members' partitions, one record per partition, from the at-least-once
 * application. The members' partitions are in the exactly-once application beside notifications.
 * A user's partition owns the user's sync queue (numbered by a per-user seq), channel views with read markers
 * and unread counts, device cursors and presence; what the user's sockets must hear goes to
 * {@code chat.user-events.v1}, which every instance tails.
 */
public final class ChatTopology {
    static final String CHANNEL_PREFIX = "chat-channel-";
    static final String USER_PREFIX = "chat-user-";

    private ChatTopology() {
    }

    /** Both sides of chat, for tests. */
    public static Topology build(ChatSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(ChatTopology::addTo, settings, serdes);
    }

    /**
     * The channel side's stores, which the exactly-once application ({@code <id>-notify}) kept before the channel
     * side moved to the at-least-once one ({@code <id>}): moved before the applications start.
     */
    public static StoreMove.Plan channelSideMove(String applicationId) {
        return new StoreMove.Plan(applicationId + StreamsSettings.NOTIFY_SUFFIX, applicationId,
                List.of(ChatStores.CHANNELS, ChatStores.HISTORY, ChatStores.HISTORY_EXPIRY, ChatStores.SENDS),
                List.of(ChatTopics.CHANNEL_CHANGES.name(), ChatTopics.MESSAGES.name()));
    }

    /** Adds chat's stores and steps to {@code builder}, both sides; see {@link #build}. */
    public static void addTo(StreamsBuilder builder, ChatSettings settings, EventSerdes serdes) {
        addChannelSide(builder, settings, serdes);
        addUserSide(builder, settings, serdes);
    }

    /**
     * The channel side, in the at-least-once application: what it emits is fixed by its input (a message's ID
     * by its event ID and the channel's stored history), so a replay after a crash emits the same records again,
     * and fan-out reaches the members' partitions without waiting for a commit.
     */
    public static void addChannelSide(StreamsBuilder builder, ChatSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "chat");
        kit.keyValueStore(ChatStores.CHANNELS, kit.serde(Channel.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.HISTORY, kit.serde(ChatMessage.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.HISTORY_EXPIRY, Serdes.Long(), Caching.CACHED);
        kit.windowStore(ChatStores.SENDS, settings.dedupeRetention(), Duration.ofMillis(1), Serdes.Long(),
                Caching.UNCACHED);
        final String[] channelStores = {ChatStores.CHANNELS, ChatStores.HISTORY, ChatStores.HISTORY_EXPIRY,
                ChatStores.SENDS};
        final Fanout fanout = new Fanout(new Partitions(settings.partitions()), settings.presencePushMaxGroup());
        route(kit, kit.source(ChatTopics.CHANNEL_CHANGES, Requests.of(ChannelChangeRequested::getEventId, null))
                .process(supplier(() -> new ChannelChanges(settings, fanout)), Named.as("chat-change-channels"),
                        channelStores), CHANNEL_PREFIX + "changes-");
        route(kit, kit.source(ChatTopics.MESSAGES, Requests.of(ChatMessageSent::getEventId, null))
                .process(supplier(() -> new MessageSequencer(settings, fanout)), Named.as("chat-sequence-messages"),
                        channelStores), CHANNEL_PREFIX + "messages-");
        kit.globalTable(ChatTopics.PRESENCE_STATUS, ChatStores.PRESENCE_STATUS, "chat-presence-status");
        // global, so a channel's partition checks every member it is asked to add without a hop to theirs
        kit.globalTable(ChatTopics.KNOWN_USERS, ChatStores.KNOWN_USERS, "chat-known-users");
    }

    /**
     * The user side, in the exactly-once application: sync queues, read markers, cursors and presence, whose
     * pushes to users with no device connected go to notifications in the same transaction.
     */
    public static void addUserSide(StreamsBuilder builder, ChatSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "chat");
        // the cache coalesces repeated writes of hot keys (a user's seq) into one changelog record per commit
        kit.keyValueStore(ChatStores.USERS, kit.serde(ChatUser.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.MEMBERSHIPS, kit.serde(ChannelView.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.SYNC, kit.serde(SyncEntry.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.UNREAD, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(ChatStores.PRESENCE, kit.serde(Presence.class), Caching.CACHED);
        kit.keyValueStore(ChatStores.ONLINE, Serdes.Long(), Caching.CACHED);
        final String[] userStores = {ChatStores.USERS, ChatStores.MEMBERSHIPS, ChatStores.SYNC, ChatStores.UNREAD,
                ChatStores.PRESENCE, ChatStores.ONLINE};
        route(kit, kit.source(ChatTopics.FANOUT)
                .process(supplier(() -> new SyncQueue(settings)), Named.as("chat-queue-for-users"), userStores),
                USER_PREFIX + "queue-");
        route(kit, kit.source(ChatTopics.CURSORS, Requests.of(ChatCursorMoved::getEventId, null))
                .process(supplier(() -> new CursorKeeper(settings.maxDevices())), Named.as("chat-keep-cursors"),
                        userStores), USER_PREFIX + "cursors-");
        route(kit, kit.source(ChatTopics.PRESENCE)
                .process(supplier(() -> new PresenceTracker(settings, new Partitions(settings.partitions()))),
                        Named.as("chat-track-presence"), userStores), USER_PREFIX + "presence-");
    }

    private static <V> ProcessorSupplier<String, V, String, Object> supplier(
            ProcessorSupplier<String, V, String, Object> supplier) {
        return supplier;
    }

    private static void route(TopologyKit kit, KStream<String, Object> out, String prefix) {
        kit.sinks(out, prefix)
                .to("outcome", OperationOutcome.class, OperationTopics.OUTCOMES)
                .to("fanout", ChatFanout.class, ChatTopics.FANOUT)
                .to("user-event", ChatUserEvent.class, ChatTopics.USER_EVENTS)
                .to("presence", PresenceStatus.class, ChatTopics.PRESENCE_STATUS)
                .to("push", NotificationRequested.class, NotifyTopics.REQUESTS)
                .to("change", ChannelChangeRequested.class, ChatTopics.CHANNEL_CHANGES)
                .end();
    }
}
