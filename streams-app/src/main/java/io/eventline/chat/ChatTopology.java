package io.eventline.chat;

import io.eventline.kafka.Partitions;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.ChatSettings;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StoreMove;
import io.eventline.streams.StreamsSettings;
import io.eventline.streams.TypedSinks;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

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

    /**
     * @param partitions the partition count of chat's topics, which fan-out needs to group members by
     *                   destination partition
     */
    public static Topology build(ChatSettings settings, int partitions, EventSerdes serdes,
                                 Properties streamsProperties) {
        final StreamsBuilder builder = new StreamsBuilder();
        addTo(builder, settings, partitions, serdes);
        return builder.build(streamsProperties);
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
    public static void addTo(StreamsBuilder builder, ChatSettings settings, int partitionCount, EventSerdes serdes) {
        addChannelSteps(builder, settings, partitionCount, serdes);
        addUserSteps(builder, settings, partitionCount, serdes);
    }

    /**
     * The channel side, in the at-least-once application: what it emits is fixed by its input (a message's ID
     * by its event ID and the channel's stored history), so a replay after a crash emits the same records again,
     * and fan-out reaches the members' partitions without waiting for a commit.
     */
    public static void addChannelSteps(StreamsBuilder builder, ChatSettings settings, int partitionCount,
                                       EventSerdes serdes) {
        final Serde<String> strings = Serdes.String();
        builder.addStateStore(store(ChatStores.CHANNELS, strings, serdes.of(Channel.class)));
        builder.addStateStore(store(ChatStores.HISTORY, strings, serdes.of(ChatMessage.class)));
        builder.addStateStore(store(ChatStores.HISTORY_EXPIRY, strings, Serdes.Long()));
        // not cached: a cached window store keeps serving an entry past its retention until the cache evicts it
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(ChatStores.SENDS,
                settings.dedupeRetention(), Duration.ofMillis(1), false), strings, Serdes.Long()));
        final String[] channelStores = {ChatStores.CHANNELS, ChatStores.HISTORY, ChatStores.HISTORY_EXPIRY,
                ChatStores.SENDS};
        final Fanout fanout = new Fanout(new Partitions(partitionCount), settings.presencePushMaxGroup());
        route(source(builder, ChatTopics.CHANNEL_CHANGES, serdes)
                .process(supplier(() -> new ChannelChanges(settings, fanout)), Named.as("chat-change-channels"),
                        channelStores), CHANNEL_PREFIX + "changes-", serdes);
        route(source(builder, ChatTopics.MESSAGES, serdes)
                .process(supplier(() -> new MessageSequencer(settings, fanout)), Named.as("chat-sequence-messages"),
                        channelStores), CHANNEL_PREFIX + "messages-", serdes);
        builder.globalTable(ChatTopics.PRESENCE_STATUS.name(),
                Consumed.with(Serdes.String(), serdes.of(PresenceStatus.class)).withName("chat-presence-status"),
                Materialized.<String, PresenceStatus, KeyValueStore<Bytes, byte[]>>as(ChatStores.PRESENCE_STATUS)
                        .withKeySerde(Serdes.String()).withValueSerde(serdes.of(PresenceStatus.class)));
        // global, so a channel's partition checks every member it is asked to add without a hop to theirs
        builder.globalTable(ChatTopics.KNOWN_USERS.name(),
                Consumed.with(Serdes.String(), serdes.of(KnownUser.class)).withName("chat-known-users"),
                Materialized.<String, KnownUser, KeyValueStore<Bytes, byte[]>>as(ChatStores.KNOWN_USERS)
                        .withKeySerde(Serdes.String()).withValueSerde(serdes.of(KnownUser.class)));
    }

    /**
     * The user side, in the exactly-once application: sync queues, read markers, cursors and presence, whose
     * pushes to users with no device connected go to notifications in the same transaction.
     */
    public static void addUserSteps(StreamsBuilder builder, ChatSettings settings, int partitionCount,
                                    EventSerdes serdes) {
        final Serde<String> strings = Serdes.String();
        builder.addStateStore(store(ChatStores.USERS, strings, serdes.of(ChatUser.class)));
        builder.addStateStore(store(ChatStores.MEMBERSHIPS, strings, serdes.of(ChannelView.class)));
        builder.addStateStore(store(ChatStores.SYNC, strings, serdes.of(SyncEntry.class)));
        builder.addStateStore(store(ChatStores.UNREAD, strings, Serdes.Long()));
        builder.addStateStore(store(ChatStores.PRESENCE, strings, serdes.of(Presence.class)));
        builder.addStateStore(store(ChatStores.ONLINE, strings, Serdes.Long()));
        final String[] userStores = {ChatStores.USERS, ChatStores.MEMBERSHIPS, ChatStores.SYNC, ChatStores.UNREAD,
                ChatStores.PRESENCE, ChatStores.ONLINE};
        route(source(builder, ChatTopics.FANOUT, serdes)
                .process(supplier(() -> new SyncQueue(settings)), Named.as("chat-queue-for-users"), userStores),
                USER_PREFIX + "queue-", serdes);
        route(source(builder, ChatTopics.CURSORS, serdes)
                .process(supplier(() -> new CursorKeeper(settings.maxDevices())), Named.as("chat-keep-cursors"), userStores),
                USER_PREFIX + "cursors-", serdes);
        route(source(builder, ChatTopics.PRESENCE, serdes)
                .process(supplier(() -> new PresenceTracker(settings, new Partitions(partitionCount))),
                        Named.as("chat-track-presence"), userStores),
                USER_PREFIX + "presence-", serdes);
    }

    private static <V> ProcessorSupplier<String, V, String, Object> supplier(
            ProcessorSupplier<String, V, String, Object> supplier) {
        return supplier;
    }

    private static <V extends SpecificRecord> KStream<String, V> source(StreamsBuilder builder, Topic<V> topic,
                                                                       EventSerdes serdes) {
        return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(topic.name() + "-source"));
    }

    private static void route(KStream<String, Object> out, String prefix, EventSerdes serdes) {
        final BranchedKStream<String, Object> split = out.split(Named.as(prefix));
        TypedSinks.sink(split, prefix, "outcome", OperationOutcome.class, OperationTopics.OUTCOMES, serdes);
        TypedSinks.sink(split, prefix, "fanout", ChatFanout.class, ChatTopics.FANOUT, serdes);
        TypedSinks.sink(split, prefix, "user-event", ChatUserEvent.class, ChatTopics.USER_EVENTS, serdes);
        TypedSinks.sink(split, prefix, "presence", PresenceStatus.class, ChatTopics.PRESENCE_STATUS, serdes);
        TypedSinks.sink(split, prefix, "push", NotificationRequested.class, NotifyTopics.REQUESTS, serdes);
        TypedSinks.sink(split, prefix, "change", ChannelChangeRequested.class, ChatTopics.CHANNEL_CHANGES, serdes);
        split.noDefaultBranch();
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<String> keys, Serde<V> values) {
        // the cache coalesces repeated writes of hot keys (a channel's last ID, a user's seq) into one changelog
        // record per commit
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values).withCachingEnabled();
    }
}
