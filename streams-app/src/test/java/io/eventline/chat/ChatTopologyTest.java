package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.kafka.Partitions;
import io.eventline.notify.DefaultTemplates;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.chat.ChatSettings;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int PARTITIONS = 6;
    private static final Duration OFFLINE_AFTER = Duration.ofSeconds(30);
    /** Groups of up to three members hear each other's presence; the tests' large group has four. */
    private static final int PRESENCE_PUSH_MAX_GROUP = 3;
    private static final int MAX_DEVICES = 3;
    private static final int MAX_CHANNELS_PER_USER = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Deserializer<String> STRINGS = Serdes.String().deserializer();

    /**
     * The driver flushes and checkpoints every RocksDB store after each record; on a disk that costs more than the
     * rest of these tests together, so the state lives on tmpfs where there is one.
     */
    private static final Path TMPFS = Path.of("/dev/shm");

    @TempDir
    Path tempDir;
    private Path stateDir;

    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    private final String applicationId = "chat-test-" + UUID.randomUUID();
    /** The ID generator's clock; {@link #advance} moves it together with the driver's wall clock. */
    private final AtomicLong clock = new AtomicLong(T0.toEpochMilli());
    private ChatSettings settings = settings(Duration.ofDays(365));
    private TopologyTestDriver driver;
    private TestInputTopic<String, ChannelChangeRequested> changes;
    private TestInputTopic<String, ChatMessageSent> messages;
    private TestInputTopic<String, ChatCursorMoved> cursors;
    private TestInputTopic<String, PresenceSignal> signals;
    private TestInputTopic<String, KnownUser> knownUsers;
    /** Users reported known to the running driver. */
    private final Set<String> known = new HashSet<>();
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private TestOutputTopic<String, ChatUserEvent> userEvents;
    private TestOutputTopic<String, ChatFanout> fanout;
    private TestOutputTopic<String, PresenceStatus> statuses;
    private TestOutputTopic<String, NotificationRequested> pushes;
    private int nextEvent;
    /** Mints event IDs as the instance that accepts the requests does. */
    private SnowflakeIdGenerator eventIds;

    @BeforeEach
    void start() throws IOException {
        stateDir = Files.isDirectory(TMPFS) && Files.isWritable(TMPFS)
                ? Files.createTempDirectory(TMPFS, "eventline-chat-test-") : tempDir;
        eventIds = generatorOn(0);
        startDriver();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (driver != null) {
            driver.close();
        }
        if (!stateDir.equals(tempDir)) {
            deleteTree(stateDir);
        }
    }

    // ---- setup ----

    private static ChatSettings settings(Duration historyRetention) {
        return settings(historyRetention, Duration.ofDays(30));
    }

    private static ChatSettings settings(Duration historyRetention, Duration syncRetention) {
        return settings(historyRetention, syncRetention, MAX_CHANNELS_PER_USER);
    }

    private static ChatSettings settings(Duration historyRetention, Duration syncRetention, int maxChannelsPerUser) {
        return new ChatSettings(100, 1_000, historyRetention, syncRetention, Duration.ofDays(1),
                Duration.ofSeconds(5), OFFLINE_AFTER, PRESENCE_PUSH_MAX_GROUP,
                ChatSettings.MIN_SOCKET_OUTBOX_BYTES, MAX_DEVICES, maxChannelsPerUser, PARTITIONS);
    }

    /** A generator on the test's clock, shifted by {@code offsetMillis}. */
    private SnowflakeIdGenerator generatorOn(long offsetMillis) {
        return new SnowflakeIdGenerator(0, 1, () -> Instant.ofEpochMilli(clock.get() + offsetMillis));
    }

    private void startDriver() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(ChatTopology.build(settings, serdes), props,
                Instant.ofEpochMilli(clock.get()));
        changes = driver.createInputTopic(ChatTopics.CHANNEL_CHANGES.name(), Serdes.String().serializer(),
                serdes.of(ChannelChangeRequested.class).serializer());
        messages = driver.createInputTopic(ChatTopics.MESSAGES.name(), Serdes.String().serializer(),
                serdes.of(ChatMessageSent.class).serializer());
        cursors = driver.createInputTopic(ChatTopics.CURSORS.name(), Serdes.String().serializer(),
                serdes.of(ChatCursorMoved.class).serializer());
        signals = driver.createInputTopic(ChatTopics.PRESENCE.name(), Serdes.String().serializer(),
                serdes.of(PresenceSignal.class).serializer());
        knownUsers = driver.createInputTopic(ChatTopics.KNOWN_USERS.name(), Serdes.String().serializer(),
                serdes.of(KnownUser.class).serializer());
        known.clear();
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), STRINGS,
                serdes.of(OperationOutcome.class).deserializer());
        userEvents = driver.createOutputTopic(ChatTopics.USER_EVENTS.name(), STRINGS,
                serdes.of(ChatUserEvent.class).deserializer());
        fanout = driver.createOutputTopic(ChatTopics.FANOUT.name(), STRINGS,
                serdes.of(ChatFanout.class).deserializer());
        statuses = driver.createOutputTopic(ChatTopics.PRESENCE_STATUS.name(), STRINGS,
                serdes.of(PresenceStatus.class).deserializer());
        pushes = driver.createOutputTopic(NotifyTopics.REQUESTS.name(), STRINGS,
                serdes.of(NotificationRequested.class).deserializer());
    }

    /** A fresh application with other settings; the state of the previous driver is gone with it. */
    private void reopen(ChatSettings newSettings) {
        driver.close();
        settings = newSettings;
        startDriver();
    }

    /**
     * The application restarts, as after a rebalance to another instance. The driver wipes its task directories on
     * close and never restores from changelogs, so the test replays the first driver's changelog records into the
     * fresh stores, as the restore consumer would.
     */
    private void restart() {
        restart(Map.of());
    }

    /**
     * As {@link #restart()}, as after a crash that lost the last {@code lostTail} records of these stores'
     * changelogs (the at-least-once channel side's); the stores not named come back whole.
     */
    private void restart(Map<String, Integer> lostTail) {
        final Map<String, List<TestRecord<byte[], byte[]>>> logs = new LinkedHashMap<>();
        keyValueStores().keySet().forEach(store -> logs.put(store, withoutTail(changelog(store),
                lostTail.getOrDefault(store, 0))));
        final List<TestRecord<byte[], byte[]>> sendsLog = withoutTail(changelog(ChatStores.SENDS),
                lostTail.getOrDefault(ChatStores.SENDS, 0));
        assertThat(logs.get(ChatStores.CHANNELS)).as("channels are logged").isNotEmpty();
        assertThat(sendsLog).as("sends are logged").isNotEmpty();
        driver.close();
        startDriver();
        logs.forEach(this::restoreKeyValueStore);
        restoreWindowStore(ChatStores.SENDS, sendsLog);
    }

    private static <T> List<T> withoutTail(List<T> log, int lost) {
        return log.subList(0, log.size() - lost);
    }

    /** The local key-value stores with the deserializers of their values. */
    private Map<String, Deserializer<?>> keyValueStores() {
        return Map.of(ChatStores.CHANNELS, serdes.of(Channel.class).deserializer(),
                ChatStores.HISTORY, serdes.of(ChatMessage.class).deserializer(),
                ChatStores.HISTORY_EXPIRY, Serdes.Long().deserializer(),
                ChatStores.USERS, serdes.of(ChatUser.class).deserializer(),
                ChatStores.MEMBERSHIPS, serdes.of(ChannelView.class).deserializer(),
                ChatStores.SYNC, serdes.of(SyncEntry.class).deserializer(),
                ChatStores.UNREAD, Serdes.Long().deserializer(),
                ChatStores.PRESENCE, serdes.of(Presence.class).deserializer(),
                ChatStores.ONLINE, Serdes.Long().deserializer());
    }

    private List<TestRecord<byte[], byte[]>> changelog(String store) {
        return driver.createOutputTopic(applicationId + "-" + store + "-changelog",
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
    }

    private void restoreKeyValueStore(String store, List<TestRecord<byte[], byte[]>> log) {
        final KeyValueStore<String, Object> restored = driver.getKeyValueStore(store);
        final Deserializer<?> values = keyValueStores().get(store);
        final String topic = applicationId + "-" + store + "-changelog";
        for (TestRecord<byte[], byte[]> record : log) {
            final String key = STRINGS.deserialize(topic, record.key());
            if (record.value() == null) {
                restored.delete(key);
            } else {
                restored.put(key, values.deserialize(topic, record.value()));
            }
        }
    }

    /** Puts a window store's changelog records back: each key is the record key, window start and sequence number. */
    private void restoreWindowStore(String store, List<TestRecord<byte[], byte[]>> log) {
        final WindowStore<String, Long> windows = driver.getWindowStore(store);
        for (TestRecord<byte[], byte[]> record : log) {
            final ByteBuffer key = ByteBuffer.wrap(record.key());
            final byte[] userKey = new byte[key.remaining() - Long.BYTES - Integer.BYTES];
            key.get(userKey);
            final long windowStart = key.getLong();
            windows.put(STRINGS.deserialize("", userKey), Serdes.Long().deserializer().deserialize("", record.value()),
                    windowStart);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    // ---- time ----

    private Instant now() {
        return Instant.ofEpochMilli(clock.get());
    }

    /** Moves the wall clock, which runs the punctuators, and the ID generator's clock with it. */
    private void advance(Duration duration) {
        clock.addAndGet(duration.toMillis());
        driver.advanceWallClockTime(duration);
    }

    // ---- steps ----

    /** An event ID as the web layer mints it, on the sending instance's clock. */
    private String eventId() {
        ++nextEvent;
        return eventIds.nextIdString();
    }

    /** The one outcome the last step produced. */
    private OperationOutcome outcome(String eventId) {
        final List<KeyValue<String, OperationOutcome>> produced = outcomes.readKeyValuesToList();
        assertThat(produced).as("one outcome, keyed by the event").extracting(kv -> kv.key).containsExactly(eventId);
        assertThat(produced.get(0).value.getEventId()).isEqualTo(eventId);
        return produced.get(0).value;
    }

    private OperationOutcome change(ChannelChangeRequested.Builder change) {
        final ChannelChangeRequested value = change.setEventId(eventId()).setRequestedAt(now()).build();
        changes.pipeInput(value.getChannelId(), value, now());
        return outcome(value.getEventId());
    }

    /** Reports users as having presented a token, as the web layer does on their first request. */
    private void known(String... users) {
        for (String user : users) {
            if (known.add(user)) {
                knownUsers.pipeInput(user, KnownUser.newBuilder().setUserId(user).setSeenAt(now()).build(), now());
            }
        }
    }

    /** Creates a channel whose members are all known users; see {@link #change} for others. */
    private OperationOutcome create(String channelId, String actor, ChannelType type, String name, String... members) {
        known(actor);
        known(members);
        return change(ChannelChangeRequested.newBuilder().setChannelId(channelId).setKind(ChannelChangeKind.CREATE)
                .setActorId(actor).setType(type).setName(name).setMembers(Arrays.asList(members)));
    }

    private OperationOutcome group(String channelId, String actor, String... members) {
        return create(channelId, actor, ChannelType.GROUP, "Team " + channelId, members);
    }

    /** Adds a known user; see {@link #change} for others. */
    private OperationOutcome add(String channelId, String actor, String member) {
        known(member);
        return change(ChannelChangeRequested.newBuilder().setChannelId(channelId)
                .setKind(ChannelChangeKind.ADD_MEMBER).setActorId(actor).setMemberId(member));
    }

    private OperationOutcome remove(String channelId, String actor, String member) {
        return change(ChannelChangeRequested.newBuilder().setChannelId(channelId)
                .setKind(ChannelChangeKind.REMOVE_MEMBER).setActorId(actor).setMemberId(member));
    }

    private OperationOutcome send(String channelId, String sender, String clientMessageId, String text) {
        final ChatMessageSent sent = sent(channelId, sender, clientMessageId, text);
        messages.pipeInput(channelId, sent, now());
        return outcome(sent.getEventId());
    }

    private ChatMessageSent sent(String channelId, String sender, String clientMessageId, String text) {
        return ChatMessageSent.newBuilder().setEventId(eventId()).setChannelId(channelId).setSenderId(sender)
                .setClientMessageId(clientMessageId).setText(text).setSentAt(now()).build();
    }

    /** Sends a new message and returns its ID. */
    private long post(String channelId, String sender, String text) {
        final OperationOutcome outcome = send(channelId, sender, "c-" + (nextEvent + 1), text);
        assertThat(outcome.getHttpStatus()).as("stored").isEqualTo(201);
        return messageId(outcome);
    }

    private OperationOutcome read(String userId, String channelId, long messageId) {
        final ChatCursorMoved moved = ChatCursorMoved.newBuilder().setEventId(eventId()).setUserId(userId)
                .setKind(ChatCursorKind.READ).setChannelId(channelId).setMessageId(messageId).setAt(now()).build();
        cursors.pipeInput(userId, moved, now());
        return outcome(moved.getEventId());
    }

    /** A device's acknowledgement; with an event ID, its outcome, else null. */
    private OperationOutcome acknowledge(String userId, String device, Long seq, boolean awaited) {
        final ChatCursorMoved moved = ChatCursorMoved.newBuilder().setEventId(awaited ? eventId() : null)
                .setUserId(userId).setKind(ChatCursorKind.SYNC_ACK).setDevice(device).setSeq(seq).setAt(now())
                .build();
        cursors.pipeInput(userId, moved, now());
        if (!awaited) {
            assertThat(outcomes.isEmpty()).as("nobody awaits an outcome").isTrue();
            return null;
        }
        return outcome(moved.getEventId());
    }

    private void signal(String userId, PresenceSignalKind kind, String device) {
        signal(userId, kind, device, now());
    }

    /** A signal whose sender last heard of the device at {@code heardAt}. */
    private void signal(String userId, PresenceSignalKind kind, String device, Instant heardAt) {
        signals.pipeInput(userId, PresenceSignal.newBuilder().setUserId(userId).setKind(kind).setDevice(device)
                .setInstanceId("instance-1").setAt(heardAt).build(), now());
    }

    /** Forgets everything produced so far. */
    private void drain() {
        outcomes.readRecordsToList();
        userEvents.readRecordsToList();
        fanout.readRecordsToList();
        statuses.readRecordsToList();
        pushes.readRecordsToList();
    }

    // ---- reads ----

    private static JsonNode json(OperationOutcome outcome) {
        try {
            return JSON.readTree(outcome.getResultJson());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long messageId(OperationOutcome outcome) {
        return Long.parseLong(json(outcome).get("messageId").asText());
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static void assertRejected(OperationOutcome outcome, int status, String problem) {
        assertThat(outcome.getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(outcome.getHttpStatus()).isEqualTo(status);
        assertThat(outcome.getProblem().getType()).endsWith("/" + problem);
        assertThat(outcome.getProblem().getStatus()).isEqualTo(status);
    }

    private static void assertAccepted(OperationOutcome outcome, int status) {
        assertThat(outcome.getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(outcome.getHttpStatus()).isEqualTo(status);
    }

    private Channel channel(String channelId) {
        final KeyValueStore<String, Channel> store = driver.getKeyValueStore(ChatStores.CHANNELS);
        return ChatQuery.channel(store, channelId).orElse(null);
    }

    private ChatQuery.HistoryPage history(String channelId, Long before, int limit) {
        final KeyValueStore<String, ChatMessage> store = driver.getKeyValueStore(ChatStores.HISTORY);
        return ChatQuery.history(store, channelId, before, limit);
    }

    private List<Long> historyIds(String channelId) {
        return history(channelId, null, 1_000).messages().stream().map(ChatMessage::getMessageId).toList();
    }

    private List<ChannelView> channelsOf(String userId) {
        final KeyValueStore<String, ChannelView> store = driver.getKeyValueStore(ChatStores.MEMBERSHIPS);
        return ChatQuery.channels(store, userId);
    }

    private ChannelView view(String userId, String channelId) {
        return channelsOf(userId).stream().filter(view -> view.getChannelId().equals(channelId)).findFirst()
                .orElseThrow(() -> new AssertionError(userId + " has no view of " + channelId));
    }

    private ChatQuery.SyncPage sync(String userId, long after, int limit) {
        final KeyValueStore<String, SyncEntry> entries = driver.getKeyValueStore(ChatStores.SYNC);
        final KeyValueStore<String, ChatUser> users = driver.getKeyValueStore(ChatStores.USERS);
        return ChatQuery.sync(entries, users, userId, after, limit);
    }

    private List<SyncEntry> queueOf(String userId) {
        return sync(userId, 0, 1_000).entries();
    }

    private long cursor(String userId, String device) {
        final KeyValueStore<String, ChatUser> users = driver.getKeyValueStore(ChatStores.USERS);
        return ChatQuery.cursor(users, userId, device);
    }

    /** The message IDs in the user's unread index for the channel. */
    private List<Long> unreadIndex(String userId, String channelId) {
        final KeyValueStore<String, Long> unread = driver.getKeyValueStore(ChatStores.UNREAD);
        final List<Long> ids = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = unread.range(ChatKeys.from(userId, channelId),
                ChatKeys.to(userId, channelId))) {
            it.forEachRemaining(entry -> ids.add(Long.parseLong(ChatKeys.last(entry.key))));
        }
        return ids;
    }

    /** The events that told users of a new entry of their sync queue. */
    private List<ChatUserEvent> entryEvents() {
        return userEvents.readValuesToList().stream().filter(event -> event.getEntry() != null).toList();
    }

    private List<ChatUserEvent> presenceEvents() {
        return userEvents.readValuesToList().stream().filter(event -> event.getPresence() != null).toList();
    }

    private static List<String> audienceOf(List<ChatUserEvent> events) {
        return events.stream().flatMap(event -> event.getAudience().stream()).toList();
    }

    // ---- channels ----

    @Test
    void shouldCreateAGroupWithItsCreatorAndTellEveryMember() {
        // When
        final OperationOutcome created = group("g-1", "alice", "bob", "carol");

        // Then: 201 with the channel, the creator first among its members
        assertAccepted(created, 201);
        assertThat(created.getUserId()).isEqualTo("alice");
        final JsonNode body = json(created);
        assertThat(body.get("channelId").asText()).isEqualTo("g-1");
        assertThat(body.get("type").asText()).isEqualTo("group");
        assertThat(body.get("name").asText()).isEqualTo("Team g-1");
        assertThat(body.get("createdBy").asText()).isEqualTo("alice");
        assertThat(texts(body.get("members"))).containsExactly("alice", "bob", "carol");
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob", "carol");

        // and each member's sockets hear of the channel, keyed by the member
        final List<KeyValue<String, ChatUserEvent>> events = userEvents.readKeyValuesToList();
        assertThat(events).extracting(kv -> kv.key).containsExactlyInAnyOrder("alice", "bob", "carol");
        assertThat(events).allSatisfy(kv -> {
            assertThat(kv.value.getUserId()).isEqualTo(kv.key);
            assertThat(kv.value.getEntry()).isNull();
            assertThat(kv.value.getRemoved()).isFalse();
            assertThat(kv.value.getChannel().getChannelId()).isEqualTo("g-1");
            assertThat(kv.value.getChannel().getName()).isEqualTo("Team g-1");
            assertThat(kv.value.getChannel().getMemberCount()).isEqualTo(3);
            assertThat(kv.value.getChannel().getMembers()).containsExactly("alice", "bob", "carol");
            assertThat(kv.value.getChannel().getUnread()).isZero();
        });
        for (String member : List.of("alice", "bob", "carol")) {
            assertThat(channelsOf(member)).extracting(ChannelView::getChannelId).containsExactly("g-1");
        }
        assertThat(channelsOf("dave")).isEmpty();
    }

    @Test
    void shouldGiveMessagesStrictlyIncreasingIdsAndPageHistoryNewestFirst() {
        // Given
        group("g-1", "alice", "bob");

        // When: five messages, within the same millisecond of the generator's clock and across two
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post("g-1", i % 2 == 0 ? "alice" : "bob", "message " + i));
            if (i == 2) {
                advance(Duration.ofMillis(3));
            }
        }

        // Then
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("ID %d after ID %d", i, i - 1).isGreaterThan(ids.get(i - 1));
        }
        assertThat(channel("g-1").getLastMessageId()).isEqualTo(ids.get(4));
        final ChatQuery.HistoryPage all = history("g-1", null, 10);
        assertThat(all.messages()).extracting(ChatMessage::getMessageId)
                .containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(all.messages()).extracting(ChatMessage::getText)
                .containsExactly("message 4", "message 3", "message 2", "message 1", "message 0");
        assertThat(all.more()).isFalse();

        final ChatQuery.HistoryPage first = history("g-1", null, 2);
        assertThat(first.messages()).extracting(ChatMessage::getMessageId).containsExactly(ids.get(4), ids.get(3));
        assertThat(first.more()).isTrue();
        final ChatQuery.HistoryPage second = history("g-1", ids.get(3), 2);
        assertThat(second.messages()).extracting(ChatMessage::getMessageId).containsExactly(ids.get(2), ids.get(1));
        assertThat(second.more()).isTrue();
        final ChatQuery.HistoryPage last = history("g-1", ids.get(1), 2);
        assertThat(last.messages()).extracting(ChatMessage::getMessageId).containsExactly(ids.get(0));
        assertThat(last.more()).isFalse();
        assertThat(history("g-2", null, 10).messages()).as("another channel's history").isEmpty();
    }

    @Test
    void shouldNumberEachMembersSyncQueueAcrossChannelsTheSendersOwnIncluded() {
        // Given: a group of three and a direct channel of two of them
        group("g-1", "alice", "bob", "carol");
        create("d-alice-bob", "alice", ChannelType.DIRECT, null, "bob");
        drain();

        // When
        final long first = post("g-1", "alice", "to the group");
        final long second = post("d-alice-bob", "bob", "to alice");
        final long third = post("g-1", "carol", "to the group again");

        // Then: 1, 2, 3 per user, in the order the messages reached them, the sender's own messages included
        assertThat(queueOf("alice")).extracting(SyncEntry::getSeq, entry -> entry.getMessage().getMessageId())
                .containsExactly(tuple(1L, first),
                        tuple(2L, second),
                        tuple(3L, third));
        assertThat(queueOf("bob")).extracting(SyncEntry::getSeq, entry -> entry.getMessage().getMessageId())
                .containsExactly(tuple(1L, first),
                        tuple(2L, second),
                        tuple(3L, third));
        assertThat(queueOf("carol")).extracting(SyncEntry::getSeq, entry -> entry.getMessage().getMessageId())
                .containsExactly(tuple(1L, first),
                        tuple(2L, third));

        // and each entry was told to its user's sockets with its seq
        final List<ChatUserEvent> events = entryEvents();
        assertThat(events).filteredOn(event -> event.getUserId().equals("alice"))
                .extracting(event -> event.getEntry().getSeq()).containsExactly(1L, 2L, 3L);
        assertThat(events).filteredOn(event -> event.getUserId().equals("carol"))
                .extracting(event -> event.getEntry().getMessage().getMessageId())
                .containsExactly(first, third);
        assertThat(events).hasSize(8);

        // and a page of the queue starts after the given seq
        final ChatQuery.SyncPage page = sync("alice", 1, 1);
        assertThat(page.entries()).extracting(SyncEntry::getSeq).containsExactly(2L);
        assertThat(page.more()).isTrue();
        assertThat(page.lastSeq()).isEqualTo(3);
        assertThat(page.oldestSeq()).isEqualTo(1);
    }

    @Test
    void shouldPointAtTheHistoryFromEveryMembersEntryWhateverTheMessagesSize() {
        // Given: a group of 19, and a message of the most characters a message may have here
        final List<String> members = IntStream.rangeClosed(1, 19).mapToObj(i -> String.format("u%02d", i)).toList();
        group("g-1", "alice", members.toArray(String[]::new));
        drain();
        final String text = "x".repeat(999) + "!";

        // When
        final long id = post("g-1", "alice", text);

        // Then: the history holds the text; what goes to members carries only its start, for pushes
        assertThat(history("g-1", null, 1).messages().get(0).getText()).isEqualTo(text);
        assertThat(fanout.readValuesToList()).isNotEmpty()
                .allSatisfy(told -> assertThat(told.getMessage().getText()).hasSize(Fanout.PREVIEW_CHARS));
        // and every entry and live event points at the stored message, without its text
        for (String member : members) {
            assertThat(queueOf(member)).singleElement().satisfies(entry -> {
                assertThat(entry.getMessage().getMessageId()).isEqualTo(id);
                assertThat(entry.getMessage().getText()).isEmpty();
            });
        }
        assertThat(entryEvents()).hasSize(20)
                .allSatisfy(event -> assertThat(event.getEntry().getMessage().getText()).isEmpty());
        // and a push shows the start
        assertThat(pushes.readValuesToList()).hasSize(19)
                .allSatisfy(push -> assertThat(push.getParams().get("text")).isEqualTo("x".repeat(200) + "…"));
    }

    @Test
    void shouldFanOutOneRecordPerMemberPartition() {
        final List<String> members = IntStream.rangeClosed(1, 19).mapToObj(i -> String.format("u%02d", i)).toList();
        group("g-1", "alice", members.toArray(String[]::new));
        drain();

        post("g-1", "alice", "hello everyone");

        final Partitions partitions = new Partitions(PARTITIONS);
        final List<KeyValue<String, ChatFanout>> records = fanout.readKeyValuesToList();
        final Set<Integer> destinations = new HashSet<>();
        final List<String> reached = new ArrayList<>();
        for (KeyValue<String, ChatFanout> record : records) {
            assertThat(record.key).isEqualTo(record.value.getUserIds().get(0));
            assertThat(record.value.getUserIds()).allMatch(user -> partitions.of(user) == partitions.of(record.key));
            assertThat(destinations.add(partitions.of(record.key))).as("one record per partition").isTrue();
            reached.addAll(record.value.getUserIds());
        }
        assertThat(reached).containsExactlyInAnyOrderElementsOf(channel("g-1").getMembers());
        assertThat(entryEvents()).hasSize(20);
    }

    // ---- resends ----

    @Test
    void shouldAnswerAResendWithTheStoredMessageAndStoreNothing() {
        // Given
        group("g-1", "alice", "bob");
        drain();
        final OperationOutcome first = send("g-1", "alice", "client-1", "hello");
        assertAccepted(first, 201);
        assertThat(entryEvents()).hasSize(2);
        assertThat(fanout.readValuesToList()).isNotEmpty();
        assertThat(pushes.readValuesToList()).hasSize(1);

        // When: the client sends it again, having missed the answer
        final OperationOutcome again = send("g-1", "alice", "client-1", "hello");

        // Then: the same message, stored and delivered once
        assertAccepted(again, 200);
        assertThat(messageId(again)).isEqualTo(messageId(first));
        assertThat(json(again)).isEqualTo(json(first));
        assertThat(historyIds("g-1")).containsExactly(messageId(first));
        assertThat(userEvents.isEmpty()).as("no second user event").isTrue();
        assertThat(fanout.readValuesToList()).as("told again; the members' partitions drop it").isNotEmpty();
        assertThat(pushes.isEmpty()).isTrue();
        assertThat(queueOf("bob")).hasSize(1);
        assertThat(queueOf("alice")).hasSize(1);
        assertThat(view("bob", "g-1").getUnread()).isEqualTo(1);

        // and the same clientMessageId from another sender is another message
        final OperationOutcome bobs = send("g-1", "bob", "client-1", "hello too");
        assertAccepted(bobs, 201);
        assertThat(messageId(bobs)).isGreaterThan(messageId(first));
    }

    @Test
    void shouldStillAnswerAResendWithTheStoredMessageAfterARestart() {
        // Given
        group("g-1", "alice", "bob");
        final OperationOutcome first = send("g-1", "alice", "client-1", "hello");
        assertAccepted(first, 201);

        // When: the channel's partition moves; the client resends
        restart();
        drain();
        final OperationOutcome again = send("g-1", "alice", "client-1", "hello");

        // Then
        assertAccepted(again, 200);
        assertThat(messageId(again)).isEqualTo(messageId(first));
        assertThat(historyIds("g-1")).containsExactly(messageId(first));
        assertThat(userEvents.isEmpty()).isTrue();
        assertThat(pushes.isEmpty()).isTrue();
        assertThat(queueOf("bob")).hasSize(1);

        // and a new message continues the queues
        final long next = post("g-1", "alice", "and more");
        assertThat(next).isGreaterThan(messageId(first));
        assertThat(queueOf("bob")).extracting(SyncEntry::getSeq).containsExactly(1L, 2L);
        assertThat(view("bob", "g-1").getUnread()).isEqualTo(2);
    }

    // ---- membership ----

    @Test
    void shouldAnswerANonMemberExactlyAsForAChannelThatDoesNotExist() {
        // Given a group that exists
        group("g-1", "alice", "bob");
        drain();

        // When a stranger sends to it and to a channel that does not exist
        final OperationOutcome member = send("g-1", "mallory", "c-1", "let me in");
        final OperationOutcome absent = send("g-404", "mallory", "c-2", "anyone?");

        // Then the two answers differ in the channel's ID only
        assertThat(member.getHttpStatus()).isEqualTo(absent.getHttpStatus()).isEqualTo(404);
        assertThat(member.getProblem().getType()).isEqualTo(absent.getProblem().getType());
        assertThat(member.getProblem().getTitle()).isEqualTo(absent.getProblem().getTitle());
        assertThat(member.getProblem().getDetail().replace("g-1", "{id}"))
                .isEqualTo(absent.getProblem().getDetail().replace("g-404", "{id}"));
    }

    @Test
    void shouldRefuseToAddAUserWhoNeverSignedInUntilTheyDo() {
        // Given a group of known users
        group("g-1", "alice", "bob");
        drain();

        // When alice adds a user nobody has seen
        final OperationOutcome refused = change(ChannelChangeRequested.newBuilder().setChannelId("g-1")
                .setKind(ChannelChangeKind.ADD_MEMBER).setActorId("alice").setMemberId("ghost"));

        // Then it is refused as no such user, and the group is unchanged
        assertRejected(refused, 404, "user-not-found");
        assertThat(refused.getProblem().getDetail()).contains("ghost");
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob");
        assertThat(fanout.isEmpty()).isTrue();

        // When the user signs in once, and alice adds them again
        known("ghost");
        final OperationOutcome added = add("g-1", "alice", "ghost");

        // Then they are in
        assertAccepted(added, 200);
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob", "ghost");
    }

    @Test
    void shouldRefuseAGroupNamingAUserWhoNeverSignedIn() {
        // Given known alice and bob, and carol whom nobody has seen
        known("alice", "bob");

        // When alice creates a group with both others
        final OperationOutcome refused = change(ChannelChangeRequested.newBuilder().setChannelId("g-1")
                .setKind(ChannelChangeKind.CREATE).setActorId("alice").setType(ChannelType.GROUP).setName("Team")
                .setMembers(List.of("bob", "carol")));

        // Then no group is made, and the answer names carol only
        assertRejected(refused, 404, "user-not-found");
        assertThat(refused.getProblem().getDetail()).contains("carol").doesNotContain("bob");
        assertThat(channel("g-1")).isNull();
        assertThat(fanout.isEmpty()).isTrue();

        // And a direct channel needs no such check: its ID is only computable by its members' requests
        assertAccepted(change(ChannelChangeRequested.newBuilder().setChannelId("d-alice-dan")
                .setKind(ChannelChangeKind.CREATE).setActorId("alice").setType(ChannelType.DIRECT)
                .setMembers(List.of("dan"))), 201);
    }

    @Test
    void shouldRefuseMessagesToUnknownChannelsAndFromNonMembers() {
        group("g-1", "alice", "bob");
        drain();

        assertRejected(send("g-404", "alice", "c-1", "anyone?"), 404, "channel-not-found");
        assertRejected(send("g-1", "mallory", "c-2", "let me in"), 404, "channel-not-found");
        assertRejected(add("g-404", "alice", "carol"), 404, "channel-not-found");
        assertRejected(add("g-1", "mallory", "carol"), 404, "channel-not-found");
        assertRejected(send("g-1", "alice", "c-3", ""), 400, "invalid-message");
        assertRejected(send("g-1", "alice", "c-4", "x".repeat(1_001)), 413, "invalid-message");

        assertThat(historyIds("g-1")).isEmpty();
        assertThat(historyIds("g-404")).isEmpty();
        assertThat(userEvents.isEmpty()).isTrue();
        assertThat(fanout.isEmpty()).isTrue();
        assertThat(channel("g-404")).isNull();
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob");
    }

    @Test
    void shouldHoldAGroupToItsSizeLimit() {
        // Given: a group of 100, its creator included
        final List<String> others = IntStream.rangeClosed(1, 99).mapToObj(i -> String.format("u%03d", i)).toList();
        assertAccepted(group("g-100", "alice", others.toArray(String[]::new)), 201);
        assertThat(channel("g-100").getMembers()).hasSize(100);
        assertThat(userEvents.readValuesToList()).extracting(ChatUserEvent::getUserId).doesNotHaveDuplicates()
                .hasSize(100);

        // When / Then: 101 at creation, or by adding one more, is refused
        final List<String> tooMany = IntStream.rangeClosed(1, 100).mapToObj(i -> String.format("u%03d", i)).toList();
        assertRejected(group("g-101", "alice", tooMany.toArray(String[]::new)), 409, "group-full");
        assertThat(channel("g-101")).isNull();
        assertRejected(add("g-100", "alice", "u100"), 409, "group-full");
        assertThat(channel("g-100").getMembers()).hasSize(100).doesNotContain("u100");
        assertThat(userEvents.isEmpty()).isTrue();

        // and adding a member already in is fine, and room made by a leaver is taken
        assertAccepted(add("g-100", "alice", "u001"), 200);
        assertAccepted(remove("g-100", "u099", "u099"), 204);
        assertAccepted(add("g-100", "alice", "u100"), 200);
        assertThat(channel("g-100").getMembers()).hasSize(100).contains("u100").doesNotContain("u099");
        assertThat(channelsOf("u100")).extracting(ChannelView::getMemberCount).containsExactly(100);
    }

    @Test
    void shouldHoldEachUserToTheirChannelLimitWhoeverAddsThem() {
        // Given: bob in two channels, his limit
        reopen(settings(Duration.ofDays(365), Duration.ofDays(30), 2));
        assertAccepted(group("g-1", "alice", "bob"), 201);
        assertAccepted(group("g-2", "carol", "bob"), 201);
        assertAccepted(group("g-3", "dave", "erin"), 201);
        drain();

        // When / Then: adding him to a third is 409 naming the limit, and the group does not keep him
        final OperationOutcome added = add("g-3", "dave", "bob");
        assertRejected(added, 409, "channel-limit");
        assertThat(added.getUserId()).isEqualTo("dave");
        assertThat(added.getProblem().getDetail()).contains("'bob'").contains("2 channels");
        assertThat(channel("g-3").getMembers()).containsExactly("dave", "erin");
        assertThat(channelsOf("bob")).extracting(ChannelView::getChannelId).containsExactly("g-1", "g-2");
        assertThat(userEvents.readValuesToList()).extracting(ChatUserEvent::getUserId).doesNotContain("bob");

        // and a new group naming him is created without him
        assertAccepted(group("g-4", "erin", "bob", "dave"), 201);
        assertThat(channel("g-4").getMembers()).containsExactly("erin", "dave");
        assertThat(channelsOf("bob")).hasSize(2);

        // and he cannot create a third himself
        assertRejected(group("g-5", "bob", "alice"), 409, "channel-limit");
        assertThat(channel("g-5").getMembers()).doesNotContain("bob");

        // When he leaves one, there is room again
        assertAccepted(remove("g-1", "bob", "bob"), 204);
        assertAccepted(add("g-3", "dave", "bob"), 200);
        assertThat(channelsOf("bob")).extracting(ChannelView::getChannelId).containsExactly("g-2", "g-3");
        assertThat(channel("g-3").getMembers()).containsExactly("dave", "erin", "bob");

        // A direct channel opened with him at his limit reaches him once he opens it himself with room
        assertAccepted(create("d-bob-frank", "frank", ChannelType.DIRECT, null, "bob"), 201);
        assertThat(channelsOf("bob")).extracting(ChannelView::getChannelId).doesNotContain("d-bob-frank");
        assertRejected(create("d-bob-frank", "bob", ChannelType.DIRECT, null, "frank"), 409, "channel-limit");
        assertAccepted(remove("g-2", "bob", "bob"), 204);
        assertAccepted(create("d-bob-frank", "bob", ChannelType.DIRECT, null, "frank"), 200);
        assertThat(channelsOf("bob")).extracting(ChannelView::getChannelId).containsExactly("d-bob-frank", "g-3");
    }

    @Test
    void shouldOpenADirectChannelOnceWhicheverSideOpensIt() {
        // When
        final OperationOutcome byAlice = create("d-alice-bob", "alice", ChannelType.DIRECT, null, "bob");
        final List<ChatUserEvent> told = userEvents.readValuesToList();
        final OperationOutcome byBob = create("d-alice-bob", "bob", ChannelType.DIRECT, null, "alice");

        // Then
        assertAccepted(byAlice, 201);
        assertAccepted(byBob, 200);
        assertThat(json(byBob)).isEqualTo(json(byAlice));
        assertThat(texts(json(byBob).get("members"))).containsExactly("alice", "bob");
        assertThat(json(byBob).get("type").asText()).isEqualTo("direct");
        assertThat(told).extracting(ChatUserEvent::getUserId).containsExactlyInAnyOrder("alice", "bob");
        assertThat(userEvents.isEmpty()).as("nobody is told twice").isTrue();

        // and its members are fixed
        assertRejected(create("d-alice-bob", "carol", ChannelType.DIRECT, null, "alice"), 404, "channel-not-found");
        assertRejected(add("d-alice-bob", "alice", "carol"), 409, "direct-channel");
        assertRejected(remove("d-alice-bob", "alice", "bob"), 409, "direct-channel");
        assertRejected(create("d-three", "alice", ChannelType.DIRECT, null, "bob", "carol"), 400, "invalid-request");
        assertThat(channel("d-alice-bob").getMembers()).containsExactly("alice", "bob");
        assertThat(channel("d-three")).isNull();
    }

    @Test
    void shouldRemoveMembersOnlyByTheCreatorOrThemselves() {
        // Given
        group("g-1", "alice", "bob", "carol", "dave");
        drain();

        // When: the creator removes carol
        final OperationOutcome removed = remove("g-1", "alice", "carol");

        // Then: carol is told she is out, the others see the smaller channel
        assertAccepted(removed, 204);
        assertThat(removed.getResultJson()).isNull();
        final List<ChatUserEvent> events = userEvents.readValuesToList();
        assertThat(events).filteredOn(ChatUserEvent::getRemoved).singleElement().satisfies(event -> {
            assertThat(event.getUserId()).isEqualTo("carol");
            assertThat(event.getChannel().getChannelId()).isEqualTo("g-1");
        });
        assertThat(events).filteredOn(event -> !event.getRemoved())
                .extracting(ChatUserEvent::getUserId).containsExactlyInAnyOrder("alice", "bob", "dave");
        assertThat(events).filteredOn(event -> !event.getRemoved())
                .allSatisfy(event -> assertThat(event.getChannel().getMemberCount()).isEqualTo(3));
        assertThat(channelsOf("carol")).isEmpty();
        assertThat(view("bob", "g-1").getMembers()).containsExactly("alice", "bob", "dave");

        // and nobody else removes others, while anyone leaves
        assertRejected(remove("g-1", "bob", "dave"), 403, "not-allowed");
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob", "dave");
        assertRejected(remove("g-1", "alice", "carol"), 404, "member-not-found");
        assertAccepted(remove("g-1", "dave", "dave"), 204);
        assertThat(userEvents.readValuesToList()).filteredOn(ChatUserEvent::getRemoved)
                .extracting(ChatUserEvent::getUserId).containsExactly("dave");
        assertThat(channel("g-1").getMembers()).containsExactly("alice", "bob");

        // and those who are out hear nothing more
        post("g-1", "alice", "just us");
        assertThat(entryEvents()).extracting(ChatUserEvent::getUserId).containsExactlyInAnyOrder("alice", "bob");
        assertThat(queueOf("carol")).isEmpty();
        assertThat(queueOf("dave")).isEmpty();
        assertThat(pushes.readValuesToList()).extracting(NotificationRequested::getUserId).containsExactly("bob");
        assertRejected(send("g-1", "carol", "c-late", "still here?"), 404, "channel-not-found");
    }

    // ---- message IDs ----

    @Test
    void shouldKeepIdsIncreasingWhenTheSendingInstancesClockIsBehind() {
        // Given: messages whose events were minted on a clock at T
        group("g-1", "alice", "bob");
        final List<Long> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            before.add(post("g-1", "alice", "before " + i));
        }
        final long last = before.get(2);
        final SnowflakeIdGenerator slower = new SnowflakeIdGenerator(0, 2,
                () -> Instant.ofEpochMilli(clock.get() - 10_000));
        assertThat(new SnowflakeIdGenerator(0, 2, () -> Instant.ofEpochMilli(clock.get() - 10_000)).nextId())
                .as("the other instance's own IDs are lower").isLessThan(before.get(0));

        // When: the channel moves, and the next sends come in through an instance whose clock is 10 s behind
        restart();
        eventIds = slower;
        final long next = post("g-1", "bob", "after");
        final long afterNext = post("g-1", "alice", "after again");

        // Then
        assertThat(next).isEqualTo(last + 1);
        assertThat(afterNext).isEqualTo(last + 2);
        assertThat(historyIds("g-1")).containsExactly(afterNext, next, before.get(2), before.get(1), before.get(0));
        assertThat(queueOf("bob")).extracting(entry -> entry.getMessage().getMessageId())
                .containsExactly(before.get(0), before.get(1), before.get(2), next, afterNext);
        assertThat(queueOf("bob")).extracting(SyncEntry::getSeq).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void shouldNotLetAnEventIdFarFromItsRecordsTimeDecideTheMessagesId() {
        // Given
        group("g-1", "alice", "bob");
        drain();

        // When: a service produces a send whose event ID lies years ahead, and then one whose event ID is no number
        final ChatMessageSent ahead = ChatMessageSent.newBuilder(sent("g-1", "alice", "far-1", "from the future"))
                .setEventId(Long.toString(Long.MAX_VALUE - 1)).build();
        messages.pipeInput("g-1", ahead, now());
        final long aheadId = messageId(outcome(ahead.getEventId()));
        final ChatMessageSent named = ChatMessageSent.newBuilder(sent("g-1", "alice", "far-2", "named"))
                .setEventId("order-42").build();
        messages.pipeInput("g-1", named, now());
        final long namedId = messageId(outcome(named.getEventId()));

        // Then: both get IDs of the record's time, and the channel goes on from there
        assertThat(SnowflakeIdGenerator.timestampMillis(aheadId)).isEqualTo(clock.get());
        assertThat(namedId).isGreaterThan(aheadId);
        assertThat(SnowflakeIdGenerator.timestampMillis(namedId)).isEqualTo(clock.get());
        assertThat(post("g-1", "bob", "next")).isGreaterThan(namedId);
    }

    @Test
    void shouldRecreateIdenticalIdsAndSeqsWhenTheSameInputIsReplayed() {
        // Given: two messages stored and queued
        group("g-1", "alice", "bob");
        drain();
        final ChatMessageSent first = sent("g-1", "alice", "c-1", "one");
        final ChatMessageSent second = sent("g-1", "bob", "c-2", "two");
        messages.pipeInput("g-1", first, now());
        messages.pipeInput("g-1", second, now());
        final List<OperationOutcome> answers = outcomes.readValuesToList();
        final List<SyncEntry> bobsQueue = queueOf("bob");
        final List<SyncEntry> alicesQueue = queueOf("alice");
        final ChannelView bobsView = view("bob", "g-1");
        drain();

        // When: the channel's step reads both records again, as after a crash before it committed their offsets,
        // on a clock that moved on
        advance(Duration.ofSeconds(5));
        messages.pipeInput("g-1", first, now());
        messages.pipeInput("g-1", second, now());

        // Then: the same answers, told again to the members' partitions, which drop what they have
        final List<OperationOutcome> again = outcomes.readValuesToList();
        assertThat(again).extracting(OperationOutcome::getHttpStatus).containsExactly(201, 201);
        assertThat(again).extracting(ChatTopologyTest::messageId)
                .containsExactlyElementsOf(answers.stream().map(ChatTopologyTest::messageId).toList());
        assertThat(fanout.readValuesToList()).as("told again").isNotEmpty()
                .extracting(told -> told.getMessage().getMessageId())
                .containsOnly(messageId(answers.get(0)), messageId(answers.get(1)));
        assertThat(historyIds("g-1")).containsExactly(messageId(answers.get(1)), messageId(answers.get(0)));
        assertThat(queueOf("bob")).isEqualTo(bobsQueue);
        assertThat(queueOf("alice")).isEqualTo(alicesQueue);
        assertThat(entryEvents()).as("no second entry").isEmpty();
        assertThat(pushes.isEmpty()).isTrue();
        assertThat(view("bob", "g-1")).isEqualTo(bobsView);
    }

    @Test
    void shouldRecreateTheSameIdWhenACrashLostTheHistoryWriteButTheFanOutWentOut() {
        // Given: a message whose fan-out reached bob, then a crash that lost its history, expiry and dedupe
        // records but kept the channel's newer last ID
        group("g-1", "alice", "bob");
        final long firstId = post("g-1", "alice", "one");
        final ChatMessageSent second = sent("g-1", "alice", "replayed", "two");
        messages.pipeInput("g-1", second, now());
        final long secondId = messageId(outcomes.readValuesToList().get(0));
        final List<SyncEntry> bobsQueue = queueOf("bob");
        restart(Map.of(ChatStores.HISTORY, 1, ChatStores.HISTORY_EXPIRY, 1, ChatStores.SENDS, 1));
        assertThat(historyIds("g-1")).as("lost by the crash").containsExactly(firstId);
        assertThat(channel("g-1").getLastMessageId()).as("kept").isEqualTo(secondId);
        drain();

        // When: the record is processed again on a clock that moved on
        advance(Duration.ofSeconds(5));
        messages.pipeInput("g-1", second, now());

        // Then: it gets the ID it had, and bob's queue holds it once
        final OperationOutcome again = outcomes.readValuesToList().get(0);
        assertAccepted(again, 201);
        assertThat(messageId(again)).isEqualTo(secondId);
        assertThat(historyIds("g-1")).containsExactly(secondId, firstId);
        assertThat(queueOf("bob")).isEqualTo(bobsQueue);
        assertThat(queueOf("bob")).extracting(SyncEntry::getSeq).containsExactly(1L, 2L);

        // and the next message follows it
        assertThat(post("g-1", "bob", "three")).isGreaterThan(secondId);
        assertThat(queueOf("bob")).extracting(SyncEntry::getSeq).containsExactly(1L, 2L, 3L);
    }

    // ---- read markers ----

    @Test
    void shouldCountOthersMessagesUnreadUpToTheReadMarker() {
        // Given
        group("g-1", "alice", "bob", "carol");
        drain();

        // When: bob sends three
        final long m1 = post("g-1", "bob", "one");
        final long m2 = post("g-1", "bob", "two");
        final long m3 = post("g-1", "bob", "three");

        // Then: unread for the others, not for bob
        assertThat(view("alice", "g-1").getUnread()).isEqualTo(3);
        assertThat(view("carol", "g-1").getUnread()).isEqualTo(3);
        assertThat(view("bob", "g-1").getUnread()).isZero();
        assertThat(view("bob", "g-1").getReadMessageId()).isEqualTo(m3);
        assertThat(view("alice", "g-1").getLastMessageId()).isEqualTo(m3);
        assertThat(unreadIndex("alice", "g-1")).containsExactly(m1, m2, m3);
        drain();

        // When: alice reads up to the first
        final OperationOutcome read = read("alice", "g-1", m1);

        // Then: exactly the later ones stay unread, and alice's other devices hear of it
        assertAccepted(read, 200);
        assertThat(json(read).get("unread").asInt()).isEqualTo(2);
        assertThat(json(read).get("readMessageId").asText()).isEqualTo(Long.toString(m1));
        assertThat(view("alice", "g-1").getUnread()).isEqualTo(2);
        assertThat(view("alice", "g-1").getReadMessageId()).isEqualTo(m1);
        assertThat(unreadIndex("alice", "g-1")).containsExactly(m2, m3);
        assertThat(userEvents.readValuesToList()).singleElement().satisfies(event -> {
            assertThat(event.getUserId()).isEqualTo("alice");
            assertThat(event.getChannel().getUnread()).isEqualTo(2);
        });

        // and a marker never moves back, nor past the last message
        assertThat(json(read("alice", "g-1", m1 - 1)).get("unread").asInt()).isEqualTo(2);
        assertThat(view("alice", "g-1").getReadMessageId()).isEqualTo(m1);
        assertThat(json(read("carol", "g-1", m3 + 1_000)).get("unread").asInt()).isZero();
        assertThat(view("carol", "g-1").getReadMessageId()).isEqualTo(m3);
        assertThat(unreadIndex("carol", "g-1")).isEmpty();

        // and only members have markers
        assertRejected(read("dave", "g-1", m3), 404, "channel-not-found");
        assertThat(channelsOf("dave")).isEmpty();
    }

    @Test
    void shouldCountNothingUnreadBeforeOnesOwnReply() {
        // Given: two unread messages of bob's
        group("g-1", "alice", "bob");
        post("g-1", "bob", "one");
        post("g-1", "bob", "two");
        assertThat(view("alice", "g-1").getUnread()).isEqualTo(2);

        // When: alice replies, which moves her read marker to her reply
        final long reply = post("g-1", "alice", "both read");

        // Then: her own message counts nothing, and what came before it is read with it
        final ChannelView alices = view("alice", "g-1");
        assertThat(alices.getReadMessageId()).isEqualTo(reply);
        assertThat(alices.getUnread()).isZero();
        assertThat(unreadIndex("alice", "g-1")).isEmpty();
        assertThat(view("bob", "g-1").getUnread()).isEqualTo(1);

        // and the next message of bob's is the only one unread
        final long next = post("g-1", "bob", "three");
        assertThat(view("alice", "g-1").getUnread()).isEqualTo(1);
        assertThat(unreadIndex("alice", "g-1")).containsExactly(next);
        assertThat(json(read("alice", "g-1", next)).get("unread").asInt()).isZero();
    }

    // ---- sync acknowledgements ----

    @Test
    void shouldMoveADevicesCursorForwardOnlyAndNoFurtherThanTheQueue() {
        // Given: three entries in bob's queue
        group("g-1", "alice", "bob");
        for (int i = 0; i < 3; i++) {
            post("g-1", "alice", "message " + i);
        }
        drain();

        // When / Then
        final OperationOutcome acked = acknowledge("bob", "phone", 2L, true);
        assertAccepted(acked, 200);
        assertThat(json(acked).get("device").asText()).isEqualTo("phone");
        assertThat(json(acked).get("seq").asLong()).isEqualTo(2);
        assertThat(cursor("bob", "phone")).isEqualTo(2);

        assertThat(json(acknowledge("bob", "phone", 1L, true)).get("seq").asLong()).as("never back").isEqualTo(2);
        assertThat(cursor("bob", "phone")).isEqualTo(2);

        assertThat(json(acknowledge("bob", "phone", 99L, true)).get("seq").asLong()).as("clamped").isEqualTo(3);
        assertThat(cursor("bob", "phone")).isEqualTo(3);

        acknowledge("bob", "tablet", 1L, false);
        assertThat(cursor("bob", "tablet")).isEqualTo(1);
        assertThat(cursor("bob", "phone")).isEqualTo(3);

        assertRejected(acknowledge("bob", "phone", -1L, true), 400, "invalid-request");
        assertRejected(acknowledge("bob", null, 1L, true), 400, "invalid-request");
        assertThat(cursor("bob", "phone")).isEqualTo(3);
        assertThat(cursor("alice", "phone")).isZero();
        assertThat(userEvents.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepAtMostTheCapOfCursorsReplacingTheOneFurthestBehind() {
        // Given: five entries in bob's queue, and as many devices as the cap, each acknowledged to another point
        group("g-1", "alice", "bob");
        for (int i = 0; i < 5; i++) {
            post("g-1", "alice", "message " + i);
        }
        drain();
        acknowledge("bob", "phone", 4L, true);
        acknowledge("bob", "old-laptop", 1L, true);
        acknowledge("bob", "tablet", 3L, true);

        // When: a fourth device acknowledges, and a known one moves on
        assertAccepted(acknowledge("bob", "new-laptop", 5L, true), 200);
        assertAccepted(acknowledge("bob", "tablet", 5L, true), 200);

        // Then: the cursor furthest behind made way; the others are where they were
        final ChatUser bob = driver.<String, ChatUser>getKeyValueStore(ChatStores.USERS).get("bob");
        assertThat(bob.getCursors()).containsOnlyKeys("phone", "tablet", "new-laptop");
        assertThat(cursor("bob", "phone")).isEqualTo(4);
        assertThat(cursor("bob", "tablet")).isEqualTo(5);
        assertRejected(acknowledge("bob", "d".repeat(65), 1L, true), 400, "invalid-request");
    }

    // ---- presence ----

    /** alice: a direct channel with bob, a small group with carol and dave, a large one with erin, frank, grace. */
    private void contactsOfAlice() {
        create("d-alice-bob", "alice", ChannelType.DIRECT, null, "bob");
        group("g-small", "alice", "carol", "dave");
        group("g-large", "alice", "erin", "frank", "grace");
        drain();
    }

    private List<PresenceState> statusesOf(String userId) {
        return statuses.readKeyValuesToList().stream().filter(kv -> kv.key.equals(userId))
                .map(kv -> kv.value.getStatus()).toList();
    }

    @Test
    void shouldPublishOnlineAndTellDirectPartnersAndSmallGroupsOnly() {
        // Given
        contactsOfAlice();

        // When
        signal("alice", PresenceSignalKind.HEARTBEAT, null);

        // Then
        assertThat(statuses.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("alice");
            assertThat(kv.value.getStatus()).isEqualTo(PresenceState.ONLINE);
            assertThat(kv.value.getLastActiveAt()).isEqualTo(T0);
        });
        final List<ChatUserEvent> told = presenceEvents();
        assertThat(told).isNotEmpty().allSatisfy(event -> {
            assertThat(event.getUserId()).isEqualTo("alice");
            assertThat(event.getPresence().getStatus()).isEqualTo(PresenceState.ONLINE);
        });
        assertThat(audienceOf(told)).containsExactlyInAnyOrder("bob", "carol", "dave");
        final KeyValueStore<String, PresenceStatus> everyones = driver.getKeyValueStore(ChatStores.PRESENCE_STATUS);
        assertThat(everyones.get("alice").getStatus()).isEqualTo(PresenceState.ONLINE);

        // and a member of the large group only tells nobody, a direct partner tells alice
        signal("erin", PresenceSignalKind.HEARTBEAT, null);
        assertThat(statusesOf("erin")).containsExactly(PresenceState.ONLINE);
        assertThat(presenceEvents()).as("nobody to tell").isEmpty();
        signal("bob", PresenceSignalKind.CONNECTED, "bob-phone");
        assertThat(presenceEvents()).singleElement()
                .satisfies(event -> assertThat(event.getAudience()).containsExactly("alice"));
    }

    @Test
    void shouldTellEachContactsPartitionOnceKeyedByAContactOnIt() {
        // Given: alice has direct partners on several partitions
        final List<String> partners = IntStream.rangeClosed(1, 8).mapToObj(i -> "partner-" + i).toList();
        partners.forEach(partner -> create("d-alice-" + partner, "alice", ChannelType.DIRECT, null, partner));
        drain();
        final Partitions partitions = new Partitions(PARTITIONS);
        final Set<Integer> partnersPartitions = new HashSet<>();
        partners.forEach(partner -> partnersPartitions.add(partitions.of(partner)));
        assertThat(partnersPartitions).as("the partners' partitions").hasSizeGreaterThan(1);

        // When
        signal("alice", PresenceSignalKind.HEARTBEAT, null);

        // Then: one event per partner partition, keyed so that it lands there, telling the partners on it only
        final List<KeyValue<String, ChatUserEvent>> told = userEvents.readKeyValuesToList().stream()
                .filter(kv -> kv.value.getPresence() != null).toList();
        final Set<Integer> reached = new HashSet<>();
        for (KeyValue<String, ChatUserEvent> event : told) {
            assertThat(event.value.getUserId()).isEqualTo("alice");
            assertThat(event.value.getPresence().getStatus()).isEqualTo(PresenceState.ONLINE);
            assertThat(event.key).isEqualTo(event.value.getAudience().get(0));
            assertThat(event.value.getAudience()).allMatch(user -> partitions.of(user) == partitions.of(event.key));
            assertThat(reached.add(partitions.of(event.key))).as("one event per partition").isTrue();
        }
        assertThat(reached).isEqualTo(partnersPartitions);
        assertThat(audienceOf(told.stream().map(kv -> kv.value).toList()))
                .containsExactlyInAnyOrderElementsOf(partners);
    }

    @Test
    void shouldPublishOfflineOnceAfterTheTimeoutWithoutHeartbeats() {
        // Given
        contactsOfAlice();
        signal("alice", PresenceSignalKind.HEARTBEAT, null);
        drain();

        // When / Then: not before the timeout
        advance(OFFLINE_AFTER.minusSeconds(1));
        assertThat(statuses.isEmpty()).isTrue();

        // When / Then: once after it
        advance(Duration.ofSeconds(2));
        assertThat(statuses.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("alice");
            assertThat(kv.value.getStatus()).isEqualTo(PresenceState.OFFLINE);
            assertThat(kv.value.getLastActiveAt()).isEqualTo(T0);
        });
        final List<ChatUserEvent> told = presenceEvents();
        assertThat(told).isNotEmpty()
                .allSatisfy(event -> assertThat(event.getPresence().getStatus()).isEqualTo(PresenceState.OFFLINE));
        assertThat(audienceOf(told)).containsExactlyInAnyOrder("bob", "carol", "dave");
        final KeyValueStore<String, PresenceStatus> everyones = driver.getKeyValueStore(ChatStores.PRESENCE_STATUS);
        assertThat(everyones.get("alice").getStatus()).isEqualTo(PresenceState.OFFLINE);
        advance(Duration.ofMinutes(2));
        assertThat(statuses.isEmpty()).as("offline is published once").isTrue();
        assertThat(userEvents.isEmpty()).isTrue();

        // and the next heartbeat brings alice back
        signal("alice", PresenceSignalKind.HEARTBEAT, null);
        assertThat(statusesOf("alice")).containsExactly(PresenceState.ONLINE);
    }

    @Test
    void shouldKeepAUserOnlineWhileHeartbeatsArrive() {
        contactsOfAlice();
        signal("alice", PresenceSignalKind.HEARTBEAT, "alice-phone");
        assertThat(statusesOf("alice")).containsExactly(PresenceState.ONLINE);
        drain();

        for (int i = 0; i < 24; i++) {
            advance(Duration.ofSeconds(5));
            signal("alice", PresenceSignalKind.HEARTBEAT, "alice-phone");
        }

        assertThat(statusesOf("alice")).as("refreshes only").doesNotContain(PresenceState.OFFLINE);
        assertThat(presenceEvents()).as("contacts hear of no change").isEmpty();

        advance(OFFLINE_AFTER.plusSeconds(1));
        assertThat(statusesOf("alice")).containsExactly(PresenceState.OFFLINE);
    }

    @Test
    void shouldNotFlapWhenASocketReconnectsWithinTheTimeout() {
        contactsOfAlice();
        signal("alice", PresenceSignalKind.CONNECTED, "alice-phone");
        assertThat(statusesOf("alice")).containsExactly(PresenceState.ONLINE);
        drain();

        // When: the socket drops and comes back within the timeout, then stays
        advance(Duration.ofSeconds(10));
        signal("alice", PresenceSignalKind.DISCONNECTED, "alice-phone");
        advance(Duration.ofSeconds(15));
        signal("alice", PresenceSignalKind.CONNECTED, "alice-phone");
        advance(OFFLINE_AFTER.minusSeconds(5));

        // Then: neither offline nor online again
        assertThat(statuses.isEmpty()).isTrue();
        assertThat(userEvents.isEmpty()).isTrue();
        final KeyValueStore<String, PresenceStatus> everyones = driver.getKeyValueStore(ChatStores.PRESENCE_STATUS);
        assertThat(everyones.get("alice").getStatus()).isEqualTo(PresenceState.ONLINE);
    }

    @Test
    void shouldRunTheTimeoutFromWhenAClosedSocketWasLastHeardOf() {
        // Given: a socket that forwarded its connect only, and heard heartbeats for 20 s after it
        contactsOfAlice();
        signal("alice", PresenceSignalKind.CONNECTED, "alice-phone");
        drain();
        advance(Duration.ofSeconds(25));
        signal("alice", PresenceSignalKind.DISCONNECTED, "alice-phone", now().minusSeconds(5));

        // When / Then: online until 30 s after the last heartbeat the socket heard, not after its connect
        advance(Duration.ofSeconds(24));
        assertThat(statuses.isEmpty()).isTrue();
        advance(Duration.ofSeconds(2));
        assertThat(statuses.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.value.getStatus()).isEqualTo(PresenceState.OFFLINE);
            assertThat(kv.value.getLastActiveAt()).isEqualTo(T0.plusSeconds(20));
        });
    }

    @Test
    void shouldKeepADeviceWhoseNewSocketConnectedBeforeTheOldOneClosed() {
        // Given: bob's phone reconnects; its old socket's close arrives after the new connect
        create("d-alice-bob", "alice", ChannelType.DIRECT, null, "bob");
        signal("bob", PresenceSignalKind.CONNECTED, "bob-phone");
        advance(Duration.ofSeconds(10));
        signal("bob", PresenceSignalKind.CONNECTED, "bob-phone");
        signal("bob", PresenceSignalKind.DISCONNECTED, "bob-phone", now().minusSeconds(4));

        // When
        post("d-alice-bob", "alice", "are you there?");

        // Then: the phone still counts as connected, so no push
        assertThat(pushes.isEmpty()).isTrue();

        // and the new socket's own close does end it
        signal("bob", PresenceSignalKind.DISCONNECTED, "bob-phone");
        post("d-alice-bob", "alice", "now?");
        assertThat(pushes.readValuesToList()).singleElement()
                .satisfies(push -> assertThat(push.getUserId()).isEqualTo("bob"));
    }

    // ---- pushes ----

    @Test
    void shouldPushToRecipientsWithoutAConnectedDeviceOnly() {
        // Given: bob's phone is connected, carol has none
        group("g-1", "alice", "bob", "carol");
        signal("bob", PresenceSignalKind.CONNECTED, "bob-phone");
        advance(Duration.ofSeconds(10));
        drain();

        // When
        final long first = post("g-1", "alice", "hello");

        // Then: one push, to carol, none to alice who sent it
        assertThat(pushes.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("carol");
            assertThat(kv.value.getUserId()).isEqualTo("carol");
            assertThat(kv.value.getTemplate()).isEqualTo(DefaultTemplates.CHAT_MESSAGE);
            assertThat(kv.value.getEventId()).isEqualTo("chat:" + first);
            assertThat(kv.value.getParams()).containsOnly(Map.entry("sender", "alice"),
                    Map.entry("channelName", "Team g-1"), Map.entry("text", "hello"));
        });

        // When: bob's phone has not been heard of for longer than the timeout
        advance(OFFLINE_AFTER);
        final long second = post("g-1", "alice", "still there?");

        // Then: pushes resume for bob
        assertThat(pushes.readKeyValuesToList()).extracting(kv -> kv.key + ":" + kv.value.getEventId())
                .containsExactlyInAnyOrder("bob:chat:" + second, "carol:chat:" + second);
    }

    @Test
    void shouldPushWhenTheLastSocketCloses() {
        create("d-alice-bob", "alice", ChannelType.DIRECT, null, "bob");
        signal("bob", PresenceSignalKind.CONNECTED, "bob-phone");
        post("d-alice-bob", "alice", "while connected");
        assertThat(pushes.isEmpty()).isTrue();

        signal("bob", PresenceSignalKind.DISCONNECTED, "bob-phone");
        final long later = post("d-alice-bob", "alice", "y".repeat(250));

        assertThat(pushes.readValuesToList()).singleElement().satisfies(push -> {
            assertThat(push.getUserId()).isEqualTo("bob");
            assertThat(push.getEventId()).isEqualTo("chat:" + later);
            assertThat(push.getParams()).containsEntry("channelName", "alice")
                    .containsEntry("text", "y".repeat(SyncQueue.PUSH_TEXT_CHARS) + "…");
        });
    }

    // ---- history expiry ----

    @Test
    void shouldExpireHistoryOlderThanTheRetention() {
        // Given: a two-minute history
        reopen(settings(Duration.ofMinutes(2)));
        group("g-1", "alice", "bob");
        final long old = post("g-1", "alice", "old");
        advance(Duration.ofSeconds(90));
        assertThat(historyIds("g-1")).as("swept once, nothing old enough").containsExactly(old);
        final long young = post("g-1", "bob", "young");

        // When: the sweep after the old one's retention
        advance(MessageSequencer.SWEEP_INTERVAL);

        // Then
        assertThat(historyIds("g-1")).containsExactly(young);
        final KeyValueStore<String, Long> expiry = driver.getKeyValueStore(ChatStores.HISTORY_EXPIRY);
        assertThat(expiry.get(ChatKeys.historyExpiry(old, "g-1"))).isNull();
        assertThat(expiry.get(ChatKeys.historyExpiry(young, "g-1"))).isEqualTo(young);

        advance(Duration.ofMinutes(2));
        assertThat(historyIds("g-1")).isEmpty();
    }

    @Test
    void shouldTrimTheSyncQueuesOfUsersWhoGetNothingNew() {
        // Given: a two-minute sync retention, more users than one sweep tick takes, and a queue entry each
        reopen(settings(Duration.ofDays(365), Duration.ofMinutes(2)));
        final int users = SyncQueue.SWEEP_USERS + 20;
        for (int i = 0; i < users; i++) {
            create("d-a-" + i, "a", ChannelType.DIRECT, null, "u" + i);
            post("d-a-" + i, "a", "hello " + i);
        }
        assertThat(queueOf("u0")).hasSize(1);
        assertThat(queueOf("u" + (users - 1))).hasSize(1);

        // When: nothing new arrives past the retention
        advance(Duration.ofMinutes(2).plus(SyncQueue.SWEEP_INTERVAL));
        advance(SyncQueue.SWEEP_INTERVAL);
        advance(SyncQueue.SWEEP_INTERVAL);

        // Then: every recipient's queue is empty, and numbering goes on where it was
        for (int i = 0; i < users; i++) {
            assertThat(queueOf("u" + i)).as("u" + i).isEmpty();
        }
        // the sender's long queue shrinks by a batch each time a sweep comes by, so no tick takes long
        assertThat(queueOf("a")).hasSizeBetween(1, users - 1);
        for (int tick = 0; tick < 12; tick++) {
            advance(SyncQueue.SWEEP_INTERVAL);
        }
        assertThat(queueOf("a")).isEmpty();
        post("d-a-0", "a", "later");
        assertThat(queueOf("u0")).extracting(SyncEntry::getSeq).containsExactly(2L);
    }

    // ---- keys ----

    @Test
    void shouldRefuseRecordsKeyedByAnythingButWhatTheyChange() {
        // Given
        group("g-1", "alice", "bob");
        final long m1 = post("g-1", "bob", "one");
        drain();

        // When: each is produced with another key
        final ChatMessageSent misroutedMessage = sent("g-1", "alice", "c-x", "lost");
        messages.pipeInput("g-2", misroutedMessage, now());
        final OperationOutcome message = outcome(misroutedMessage.getEventId());
        final ChannelChangeRequested misroutedChange = ChannelChangeRequested.newBuilder().setEventId(eventId())
                .setChannelId("g-9").setKind(ChannelChangeKind.CREATE).setActorId("alice").setType(ChannelType.GROUP)
                .setName("Nine").setMembers(List.of("bob")).setRequestedAt(now()).build();
        changes.pipeInput("alice", misroutedChange, now());
        final OperationOutcome change = outcome(misroutedChange.getEventId());
        final ChatCursorMoved misroutedRead = ChatCursorMoved.newBuilder().setEventId(eventId()).setUserId("alice")
                .setKind(ChatCursorKind.READ).setChannelId("g-1").setMessageId(m1).setAt(now()).build();
        cursors.pipeInput("bob", misroutedRead, now());
        final OperationOutcome cursor = outcome(misroutedRead.getEventId());
        signals.pipeInput("bob", PresenceSignal.newBuilder().setUserId("alice").setKind(PresenceSignalKind.HEARTBEAT)
                .setAt(now()).build(), now());

        // Then: 400 where someone awaits an answer, and nothing changed
        assertRejected(message, 400, "invalid-request");
        assertRejected(change, 400, "invalid-request");
        assertRejected(cursor, 400, "invalid-request");
        assertThat(historyIds("g-1")).containsExactly(m1);
        assertThat(historyIds("g-2")).isEmpty();
        assertThat(channel("g-9")).isNull();
        assertThat(view("alice", "g-1").getUnread()).isEqualTo(1);
        assertThat(view("alice", "g-1").getReadMessageId()).isZero();
        final KeyValueStore<String, Presence> presence = driver.getKeyValueStore(ChatStores.PRESENCE);
        assertThat(presence.get("alice")).isNull();
        assertThat(presence.get("bob")).isNull();
        assertThat(userEvents.isEmpty()).isTrue();
        assertThat(fanout.isEmpty()).isTrue();
        assertThat(statuses.isEmpty()).isTrue();
        assertThat(pushes.isEmpty()).isTrue();
    }
}
