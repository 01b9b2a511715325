package io.eventline.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.eventline.feed.FeedTopics;
import io.eventline.feed.GraphChange;
import io.eventline.feed.GraphChangeKind;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.notify.NotifySettings;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifyTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration RETENTION = Duration.ofHours(1);
    private static final UnsubscribeLinks LINKS = new UnsubscribeLinks("https://eventline.example", "test-secret");
    /** A template with every channel, so routing to all four can be seen at once. */
    private static final String DIGEST = "digest";
    private static final int MAX_DEVICES = 3;

    /**
     * The driver flushes and checkpoints every RocksDB store after each record; on a disk that costs more than the
     * rest of these tests together, so the state lives on tmpfs where there is one.
     */
    private static final Path TMPFS = Path.of("/dev/shm");

    @TempDir
    Path tempDir;
    private Path stateDir;

    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    private final String applicationId = "notify-test-" + UUID.randomUUID();
    private TopologyTestDriver driver;
    private TestInputTopic<String, NotificationRequested> requests;
    private TestInputTopic<String, NotificationTemplate> templates;
    private TestInputTopic<String, RecipientChange> recipients;
    private TestInputTopic<String, GraphChange> graphChanges;
    private TestOutputTopic<String, NotificationDelivery> apns;
    private TestOutputTopic<String, NotificationDelivery> fcm;
    private TestOutputTopic<String, NotificationDelivery> email;
    private TestOutputTopic<String, NotificationDelivery> sms;
    private TestOutputTopic<String, InboxEntry> inapp;
    private TestOutputTopic<String, DeliveryStatusChanged> statuses;
    private TestOutputTopic<String, NotificationDeadLettered> deadLetters;
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private int nextChange;

    @BeforeEach
    void start() throws IOException {
        stateDir = Files.isDirectory(TMPFS) && Files.isWritable(TMPFS)
                ? Files.createTempDirectory(TMPFS, "eventline-notify-test-") : tempDir;
        start(settings(RETENTION, 50), stateDir);
        seedTemplates();
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

    private static NotifySettings settings(Duration retention, int inboxLimit) {
        return new NotifySettings(retention, inboxLimit, MAX_DEVICES, 5,
                List.of(Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(10)), Map.of(), LINKS);
    }

    private void start(NotifySettings settings, Path dir) {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        driver = new TopologyTestDriver(NotifyTopology.build(settings, serdes), props, T0);
        requests = driver.createInputTopic(NotifyTopics.REQUESTS.name(), Serdes.String().serializer(),
                serdes.of(NotificationRequested.class).serializer());
        templates = driver.createInputTopic(NotifyTopics.TEMPLATES.name(), Serdes.String().serializer(),
                serdes.of(NotificationTemplate.class).serializer());
        recipients = driver.createInputTopic(NotifyTopics.RECIPIENTS.name(), Serdes.String().serializer(),
                serdes.of(RecipientChange.class).serializer());
        graphChanges = driver.createInputTopic(FeedTopics.GRAPH_CHANGES.name(), Serdes.String().serializer(),
                serdes.of(GraphChange.class).serializer());
        apns = deliveries(NotifyTopics.APNS.name());
        fcm = deliveries(NotifyTopics.FCM.name());
        email = deliveries(NotifyTopics.EMAIL.name());
        sms = deliveries(NotifyTopics.SMS.name());
        inapp = driver.createOutputTopic(NotifyTopics.INAPP.name(), Serdes.String().deserializer(),
                serdes.of(InboxEntry.class).deserializer());
        statuses = driver.createOutputTopic(NotifyTopics.STATUS.name(), Serdes.String().deserializer(),
                serdes.of(DeliveryStatusChanged.class).deserializer());
        deadLetters = driver.createOutputTopic(NotifyTopics.DEAD_LETTERS.name(), Serdes.String().deserializer(),
                serdes.of(NotificationDeadLettered.class).deserializer());
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                serdes.of(OperationOutcome.class).deserializer());
    }

    private TestOutputTopic<String, NotificationDelivery> deliveries(String topic) {
        return driver.createOutputTopic(topic, Serdes.String().deserializer(),
                serdes.of(NotificationDelivery.class).deserializer());
    }

    private void restart(NotifySettings settings) {
        driver.close();
        start(settings, stateDir);
        seedTemplates();
    }

    private void seedTemplates() {
        DefaultTemplates.all(T0).forEach(template -> templates.pipeInput(template.getName(), template, T0));
        templates.pipeInput(DIGEST, digest(), T0);
    }

    private static NotificationTemplate digest() {
        return NotificationTemplate.newBuilder().setName(DIGEST).setVersion(3).setUpdatedAt(T0).setUpdatedBy("admin")
                .setPush(new PushTemplate("Digest", "{{count}} new"))
                .setEmail(new EmailTemplate("{{count}} new for {{name}}", "Hi {{name}}", "<p>Hi {{name}}</p>"))
                .setSms(new SmsTemplate("{{count}} new"))
                .setInapp(new InAppTemplate("Digest", "{{count}} new for {{name}}")).build();
    }

    // ---- steps ----

    private void change(RecipientChange.Builder change) {
        final RecipientChange value = change.setEventId("change-" + (++nextChange)).setTimestamp(T0).build();
        recipients.pipeInput(value.getUserId(), value, T0);
    }

    private static RecipientChange.Builder changeOf(String userId, RecipientChangeKind kind) {
        return RecipientChange.newBuilder().setUserId(userId).setKind(kind);
    }

    private void device(String userId, String deviceId, DevicePlatform platform, String token) {
        change(changeOf(userId, RecipientChangeKind.DEVICE_SET).setDeviceId(deviceId).setPlatform(platform)
                .setToken(token));
    }

    private void contact(String userId, String address, String phone) {
        change(changeOf(userId, RecipientChangeKind.CONTACT_SET).setEmail(address).setPhone(phone));
    }

    private void settingsOf(String userId, Map<String, Boolean> channels, Map<String, Map<String, Boolean>> perTemplate,
                            Map<String, String> caps) {
        change(changeOf(userId, RecipientChangeKind.SETTINGS_SET).setSettings(NotificationSettings.newBuilder()
                .setChannels(channels).setTemplates(perTemplate).setCaps(caps).build()));
    }

    /** A user with an iPhone, an Android phone, an e-mail address and a phone number. */
    private void reachable(String userId) {
        device(userId, userId + "-iphone", DevicePlatform.IOS, userId + "-apns-token");
        device(userId, userId + "-pixel", DevicePlatform.ANDROID, userId + "-fcm-token");
        contact(userId, userId + "@example.com", "+15550100");
        outcomes.readValuesToList();
    }

    private static NotificationRequested request(String eventId, String userId, String template,
                                                 Map<String, String> params) {
        return NotificationRequested.newBuilder().setEventId(eventId).setUserId(userId).setTemplate(template)
                .setParams(params).setChannels(null).setCreatedAt(T0).setRequestedBy("tests").build();
    }

    private static NotificationRequested follower(String eventId, String userId, String follower) {
        return request(eventId, userId, NotifyTopology.NEW_FOLLOWER, Map.of("follower", follower));
    }

    private static NotificationRequested digestFor(String eventId, String userId) {
        return request(eventId, userId, DIGEST, Map.of("count", "3", "name", "Bob"));
    }

    /** Produced as another service would: keyed by something other than the user, so the re-keying is exercised. */
    private void send(NotificationRequested request, Instant at) {
        requests.pipeInput("service-key-" + request.getEventId(), request, at);
    }

    private List<NotificationDelivery> allDeliveries() {
        final List<NotificationDelivery> all = new ArrayList<>();
        Stream.of(apns, fcm, email, sms).forEach(topic -> all.addAll(topic.readValuesToList()));
        return all;
    }

    /** Each status as {@code channel[/device]=STATE[ reason]}, in the order produced. */
    private List<String> statusLines() {
        return statuses.readValuesToList().stream().map(NotifyTopologyTest::line).toList();
    }

    private static String line(DeliveryStatusChanged change) {
        return Channels.nameOf(change.getChannel()) + (change.getDeviceId() == null ? "" : "/" + change.getDeviceId())
                + "=" + change.getState() + (change.getReason() == null ? "" : " " + change.getReason());
    }

    private Recipient storedRecipient(String userId) {
        final KeyValueStore<String, Recipient> store = driver.getKeyValueStore(NotifyStores.RECIPIENTS);
        return store.get(userId);
    }

    private List<InboxEntry> inboxOf(String userId) {
        final KeyValueStore<String, InboxEntry> store = driver.getKeyValueStore(NotifyStores.INBOX);
        final List<InboxEntry> entries = new ArrayList<>();
        try (KeyValueIterator<String, InboxEntry> range = store.range(InboxKeys.after(userId, null),
                InboxKeys.end(userId))) {
            range.forEachRemaining(entry -> entries.add(entry.value));
        }
        return entries;
    }

    private OperationOutcome read(String userId, String notificationId) {
        change(changeOf(userId, RecipientChangeKind.INBOX_READ).setNotificationId(notificationId));
        final List<OperationOutcome> out = outcomes.readValuesToList();
        assertThat(out).as("one outcome per read").hasSize(1);
        return out.get(0);
    }

    // ---- de-duplication ----

    @Test
    void shouldDeliverARequestProducedTwiceOnlyOnce() {
        // Given
        reachable("bob");

        // When: the same request is produced twice (a requester's retry)
        send(digestFor("e-1", "bob"), T0);
        send(digestFor("e-1", "bob"), T0.plusSeconds(1));

        // Then: one delivery per device and channel, one set of statuses
        assertThat(apns.readValuesToList()).hasSize(1);
        assertThat(fcm.readValuesToList()).hasSize(1);
        assertThat(email.readValuesToList()).hasSize(1);
        assertThat(sms.readValuesToList()).hasSize(1);
        assertThat(inapp.readValuesToList()).hasSize(1);
        assertThat(statusLines()).containsExactly("push/bob-iphone=QUEUED", "push/bob-pixel=QUEUED", "email=QUEUED",
                "sms=QUEUED", "inapp=SENT");
        assertThat(inboxOf("bob")).hasSize(1);
        assertThat(storedRecipient("bob").getUnread()).isEqualTo(1);
    }

    @Test
    void shouldDeliverTheSameEventIdToAnotherUser() {
        reachable("bob");
        reachable("carol");

        send(digestFor("e-1", "bob"), T0);
        send(digestFor("e-1", "carol"), T0);

        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getAddress)
                .containsExactly("bob@example.com", "carol@example.com");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepTwoServicesRequestsOfTheSameEventIdApart() {
        // Given: two services that both call their event "e-1", for the same user
        reachable("bob");
        final NotificationRequested billing = NotificationRequested.newBuilder(digestFor("e-1", "bob"))
                .setRequestedBy("billing").build();
        final NotificationRequested shipping = NotificationRequested.newBuilder(digestFor("e-1", "bob"))
                .setRequestedBy("shipping").build();

        // When: each asks, and billing asks again
        send(billing, T0);
        send(shipping, T0.plusSeconds(1));
        send(billing, T0.plusSeconds(2));

        // Then: both are delivered, once each, under delivery IDs of their own
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getDeliveryId)
                .containsExactly("billing:e-1/bob/email", "shipping:e-1/bob/email");
        // And: bob's inbox has two entries with distinct IDs
        assertThat(inboxOf("bob")).extracting(InboxEntry::getNotificationId)
                .containsExactlyInAnyOrder("billing:e-1", "shipping:e-1");
        // And: each service's status holds only its own request's deliveries
        final Map<String, KeyValue<Long, NotificationStatus>> byRequester = StatusKeeper.byRequester(
                driver.getWindowStore(NotifyStores.STATUS), "e-1");
        assertThat(byRequester).containsOnlyKeys("billing", "shipping");
        for (String service : List.of("billing", "shipping")) {
            final NotificationStatus status = byRequester.get(service).value;
            assertThat(status.getRequestedBy()).isEqualTo(service);
            assertThat(status.getDeliveries()).hasSize(5).allSatisfy(delivery ->
                    assertThat(delivery.getRequestedBy()).isEqualTo(service));
        }
    }

    @Test
    void shouldDeliverTheSameRequestAgainOnceTheDedupeRetentionHasPassed() {
        // Given: a request delivered at T0, and its repeat within the retention dropped
        contact("bob", "bob@example.com", null);
        send(follower("e-1", "bob", "alice"), T0);
        send(follower("e-1", "bob", "alice"), T0.plus(RETENTION).minusSeconds(1));
        assertThat(email.readValuesToList()).hasSize(1);

        // When: the stream time moves past the retention and a whole segment more (segments are retention/2,
        // at least a minute), so the first memory is not only out of the window but expired from the store
        final Instant later = T0.plus(RETENTION.multipliedBy(2)).plusSeconds(1);
        send(follower("e-other", "carol", "alice"), later);
        send(follower("e-1", "bob", "alice"), later.plusSeconds(1));

        // Then: it is a new notification
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getDeliveryId)
                .containsExactly("tests:e-1/bob/email");
        final WindowStore<String, Long> dedupe = driver.getWindowStore(NotifyStores.DEDUPE);
        try (WindowStoreIterator<Long> first = dedupe.fetch(InboxKeys.dedupe("tests", "e-1", "bob"), T0, T0)) {
            assertThat(first.hasNext()).as("the memory of T0 has expired").isFalse();
        }
    }

    @Test
    void shouldStillDropADuplicateAfterARestart() throws IOException {
        // Given: a request delivered by one instance of the application
        contact("bob", "bob@example.com", null);
        send(follower("e-1", "bob", "alice"), T0);
        assertThat(email.readValuesToList()).hasSize(1);
        assertThat(storesUnder(stateDir)).as("stores on disk while running")
                .anyMatch(path -> path.contains(NotifyStores.DEDUPE));
        final List<TestRecord<byte[], byte[]>> dedupeLog = changelog(NotifyStores.DEDUPE);
        final List<TestRecord<byte[], byte[]>> recipientLog = changelog(NotifyStores.RECIPIENTS);
        assertThat(dedupeLog).as("the request's memory is logged").hasSize(1);

        // When: the application restarts over the same state directory.
        // A second driver over the first one's directory cannot show this: TopologyTestDriver.close() deletes its
        // task directories (StateDirectory.clean(), asserted below), the driver never flushes RocksDB (WAL off, so a
        // copy taken while it runs holds no data) and it never restores from changelogs. What a real restart
        // relies on is the changelog, so the test does the restoration: it replays the first driver's changelog
        // records of the dedupe and recipient stores into the fresh stores, as the restore consumer would.
        driver.close();
        assertThat(storesUnder(stateDir)).as("the driver wiped its task directories on close")
                .noneMatch(path -> path.contains(NotifyStores.DEDUPE));
        start(settings(RETENTION, 50), stateDir);
        seedTemplates();
        restoreWindowStore(NotifyStores.DEDUPE, dedupeLog);
        final KeyValueStore<String, Recipient> restoredRecipients = driver.getKeyValueStore(NotifyStores.RECIPIENTS);
        recipientLog.forEach(record -> restoredRecipients.put(
                Serdes.String().deserializer().deserialize("", record.key()),
                serdes.of(Recipient.class).deserializer().deserialize(NotifyTopics.RECIPIENTS.name(), record.value())));

        // Then: the duplicate is still dropped (not dead-lettered: it is recognised before the template is looked
        // up), and a new event still goes out to the address known before the restart
        send(follower("e-1", "bob", "alice"), T0.plusSeconds(5));
        assertThat(email.readValuesToList()).isEmpty();
        assertThat(statusLines()).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        send(follower("e-2", "bob", "dave"), T0.plusSeconds(6));
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getAddress)
                .containsExactly("bob@example.com");
    }

    private List<TestRecord<byte[], byte[]>> changelog(String store) {
        return driver.createOutputTopic(applicationId + "-" + store + "-changelog",
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer()).readRecordsToList();
    }

    /** Puts a window store's changelog records back: each key is the record key, the window start and a sequence number. */
    private void restoreWindowStore(String store, List<TestRecord<byte[], byte[]>> log) {
        final WindowStore<String, Long> windows = driver.getWindowStore(store);
        for (TestRecord<byte[], byte[]> record : log) {
            final ByteBuffer key = ByteBuffer.wrap(record.key());
            final byte[] userKey = new byte[key.remaining() - Long.BYTES - Integer.BYTES];
            key.get(userKey);
            final long windowStart = key.getLong();
            windows.put(Serdes.String().deserializer().deserialize("", userKey),
                    Serdes.Long().deserializer().deserialize("", record.value()), windowStart);
        }
    }

    /** The paths under {@code root} that belong to one of the topology's local stores. */
    private static List<String> storesUnder(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(path -> root.relativize(path).toString()).filter(path -> path.contains("notify-"))
                    .toList();
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

    // ---- settings ----

    @Test
    void shouldSkipAnOptedOutChannelAndQueueTheOthers() {
        reachable("bob");
        settingsOf("bob", Map.of("email", false), Map.of(), Map.of());

        send(digestFor("e-1", "bob"), T0);

        assertThat(email.readValuesToList()).isEmpty();
        assertThat(statusLines()).containsExactly("push/bob-iphone=QUEUED", "push/bob-pixel=QUEUED",
                "email=SKIPPED opted_out", "sms=QUEUED", "inapp=SENT");
        assertThat(apns.readValuesToList()).hasSize(1);
        assertThat(sms.readValuesToList()).hasSize(1);
    }

    @Test
    void shouldSkipAChannelTurnedOffForOneTemplateOnly() {
        reachable("bob");
        settingsOf("bob", Map.of(), Map.of(NotifyTopology.NEW_FOLLOWER, Map.of("push", false)), Map.of());

        send(follower("e-1", "bob", "alice"), T0);
        send(digestFor("e-2", "bob"), T0);

        assertThat(statuses.readValuesToList()).filteredOn(s -> s.getEventId().equals("e-1"))
                .extracting(NotifyTopologyTest::line)
                .containsExactly("push=SKIPPED opted_out", "email=QUEUED", "inapp=SENT");
        assertThat(Stream.concat(apns.readValuesToList().stream(), fcm.readValuesToList().stream()))
                .extracting(NotificationDelivery::getEventId).containsOnly("e-2").hasSize(2);
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getEventId).containsExactly("e-1", "e-2");
    }

    // ---- frequency caps ----

    @Test
    void shouldSkipEveryChannelOfTheThirdRequestWithinADayUnderACapOfTwo() {
        // Given: at most 2 new-follower notifications a day
        reachable("bob");
        settingsOf("bob", Map.of(), Map.of(), Map.of(NotifyTopology.NEW_FOLLOWER, "2/day"));

        // When: three within a day
        send(follower("e-1", "bob", "alice"), T0);
        send(follower("e-2", "bob", "carol"), T0.plus(Duration.ofHours(1)));
        allDeliveries();
        statuses.readValuesToList();
        inapp.readValuesToList();
        send(follower("e-3", "bob", "dave"), T0.plus(Duration.ofHours(2)));

        // Then: the third goes nowhere, each channel skipped as capped
        assertThat(allDeliveries()).isEmpty();
        assertThat(inapp.isEmpty()).isTrue();
        final List<DeliveryStatusChanged> capped = statuses.readValuesToList();
        assertThat(capped).extracting(DeliveryStatusChanged::getChannel)
                .containsExactlyInAnyOrder(NotificationChannel.PUSH, NotificationChannel.EMAIL, NotificationChannel.INAPP);
        assertThat(capped).allSatisfy(status -> {
            assertThat(status.getState()).isEqualTo(DeliveryState.SKIPPED);
            assertThat(status.getReason()).startsWith("capped");
        });
        // other templates are not counted against it
        send(digestFor("e-4", "bob"), T0.plus(Duration.ofHours(2)));
        assertThat(allDeliveries()).extracting(NotificationDelivery::getEventId).containsOnly("e-4").hasSize(4);

        // When: a day after the first
        send(follower("e-5", "bob", "erin"), T0.plus(Duration.ofDays(1)));

        // Then: it fits again
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getEventId).containsExactly("e-5");
        assertThat(apns.readValuesToList()).extracting(NotificationDelivery::getEventId).containsExactly("e-5");
    }

    // ---- missing contact points ----

    @Test
    void shouldSkipEmailWithoutAnAddressAndPushWithoutADevice() {
        // Given: bob registered a phone number only
        contact("bob", null, "+15550100");

        send(digestFor("e-1", "bob"), T0);

        assertThat(statusLines()).containsExactly("push=SKIPPED no_device", "email=SKIPPED no_contact",
                "sms=QUEUED", "inapp=SENT");
        assertThat(allDeliveries()).extracting(NotificationDelivery::getProvider).containsExactly(DeliveryProvider.SMS);
    }

    @Test
    void shouldNotPushToADeviceDisabledByItsProvider() {
        reachable("bob");
        change(changeOf("bob", RecipientChangeKind.DEVICE_DISABLED).setDeviceId("bob-iphone")
                .setToken("bob-apns-token").setReason("Unregistered"));
        assertThat(outcomes.isEmpty()).as("a provider's report awaits no answer").isTrue();

        send(follower("e-1", "bob", "alice"), T0);

        assertThat(apns.readValuesToList()).isEmpty();
        assertThat(fcm.readValuesToList()).extracting(NotificationDelivery::getDeviceId).containsExactly("bob-pixel");
        final Device disabled = storedRecipient("bob").getDevices().stream()
                .filter(device -> device.getDeviceId().equals("bob-iphone")).findFirst().orElseThrow();
        assertThat(disabled.getDisabled()).isTrue();
        assertThat(disabled.getDisabledReason()).isEqualTo("Unregistered");
    }

    @Test
    void shouldSkipPushWhenEveryDeviceIsDisabled() {
        device("bob", "bob-iphone", DevicePlatform.IOS, "old");
        change(changeOf("bob", RecipientChangeKind.DEVICE_DISABLED).setDeviceId("bob-iphone").setToken("old"));

        send(request("e-1", "bob", NotifyTopology.NEW_FOLLOWER, Map.of("follower", "alice")), T0);

        assertThat(statusLines()).contains("push=SKIPPED no_device");
        assertThat(apns.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepADeviceReRegisteredWithANewTokenEnabled() {
        // Given: the device got a new token before the provider's report on the old one came in
        device("bob", "bob-iphone", DevicePlatform.IOS, "old-token");
        device("bob", "bob-iphone", DevicePlatform.IOS, "new-token");
        change(changeOf("bob", RecipientChangeKind.DEVICE_DISABLED).setDeviceId("bob-iphone").setToken("old-token")
                .setReason("BadDeviceToken"));

        send(follower("e-1", "bob", "alice"), T0);

        assertThat(apns.readValuesToList()).extracting(NotificationDelivery::getAddress).containsExactly("new-token");
        assertThat(storedRecipient("bob").getDevices()).singleElement()
                .satisfies(device -> assertThat(device.getDisabled()).isFalse());
    }

    @Test
    void shouldRefuseADeviceBeyondTheCapWith409AndStillTakeNewTokensAndReplacements() {
        // Given: bob has as many devices as the cap allows
        for (int i = 1; i <= MAX_DEVICES; i++) {
            device("bob", "bob-phone-" + i, DevicePlatform.IOS, "token-" + i);
        }
        outcomes.readValuesToList();

        // When: one more device, a new token for a known device, and a device added after one was removed
        device("bob", "bob-phone-extra", DevicePlatform.ANDROID, "token-extra");
        final OperationOutcome overCap = outcomes.readValue();
        device("bob", "bob-phone-1", DevicePlatform.IOS, "token-1-renewed");
        final OperationOutcome renewed = outcomes.readValue();
        change(changeOf("bob", RecipientChangeKind.DEVICE_REMOVED).setDeviceId("bob-phone-2"));
        outcomes.readValue();
        device("bob", "bob-phone-extra", DevicePlatform.ANDROID, "token-extra");
        final OperationOutcome afterRemoval = outcomes.readValue();

        // Then: the extra device was refused with a 409 naming the cap; the record never held more than the cap
        assertThat(overCap.getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(overCap.getHttpStatus()).isEqualTo(409);
        assertThat(overCap.getProblem().getDetail()).contains("at most " + MAX_DEVICES + " devices");
        assertThat(renewed.getHttpStatus()).isEqualTo(200);
        assertThat(afterRemoval.getHttpStatus()).isEqualTo(200);
        assertThat(storedRecipient("bob").getDevices()).extracting(Device::getDeviceId)
                .containsExactlyInAnyOrder("bob-phone-1", "bob-phone-3", "bob-phone-extra");
    }

    // ---- dead letters ----

    @Test
    void shouldDeadLetterARequestMissingATemplateParameterAndGoOn() {
        // Given
        reachable("bob");

        // When: the follower's name is missing, then a valid request comes
        send(request("e-1", "bob", NotifyTopology.NEW_FOLLOWER, Map.of("someone", "alice")), T0);
        final List<NotificationDeadLettered> dead = deadLetters.readValuesToList();
        final List<DeliveryStatusChanged> failed = statuses.readValuesToList();
        final List<NotificationDelivery> nothing = allDeliveries();
        send(follower("e-2", "bob", "alice"), T0.plusSeconds(1));

        // Then: the first is dead-lettered, naming the parameter, with every channel failed and nothing sent
        assertThat(dead).singleElement().satisfies(letter -> {
            assertThat(letter.getEventId()).isEqualTo("e-1");
            assertThat(letter.getUserId()).isEqualTo("bob");
            assertThat(letter.getReason()).contains("follower");
            assertThat(letter.getRequest().getParams()).containsEntry("someone", "alice");
        });
        assertThat(failed).hasSize(3).allSatisfy(status -> {
            assertThat(status.getState()).isEqualTo(DeliveryState.FAILED);
            assertThat(status.getReason()).contains("follower");
        });
        assertThat(nothing).isEmpty();
        assertThat(inboxOf("bob")).extracting(InboxEntry::getNotificationId).containsExactly("tests:e-2");
        // and the next one went out
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getEventId).containsExactly("e-2");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeliverADeadLetteredRequestOnceItIsProducedAgainWithItsParameter() {
        contact("bob", "bob@example.com", null);
        send(request("e-1", "bob", NotifyTopology.NEW_FOLLOWER, Map.of()), T0);
        assertThat(deadLetters.readValuesToList()).hasSize(1);

        send(follower("e-1", "bob", "alice"), T0.plusSeconds(1));

        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getSubject)
                .containsExactly("alice now follows you");
    }

    @Test
    void shouldDeadLetterARequestForAnUnknownTemplate() {
        reachable("bob");

        send(request("e-1", "bob", "no-such-template", Map.of()), T0);

        assertThat(deadLetters.readValuesToList()).singleElement()
                .satisfies(letter -> assertThat(letter.getReason()).contains("no-such-template"));
        assertThat(allDeliveries()).isEmpty();
        assertThat(inapp.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterRequestsWithAnInvalidEventId() {
        contact("bob", "bob@example.com", null);

        send(follower("", "bob", "alice"), T0);
        send(follower("x".repeat(129), "bob", "alice"), T0);
        send(follower("y".repeat(128), "bob", "alice"), T0);

        assertThat(deadLetters.readValuesToList()).extracting(NotificationDeadLettered::getReason)
                .hasSize(2).allSatisfy(reason -> assertThat(reason).contains("eventId"));
        assertThat(email.readValuesToList()).extracting(NotificationDelivery::getEventId)
                .containsExactly("y".repeat(128));
    }

    // ---- routing ----

    @Test
    void shouldRouteEachChannelToItsProviderTopicWithStableDeliveryIds() {
        // Given
        reachable("bob");

        // When
        send(digestFor("e-1", "bob"), T0);

        // Then: iOS to APNs, Android to FCM, e-mail and SMS to theirs, each keyed by the user
        final List<KeyValue<String, NotificationDelivery>> toApns = apns.readKeyValuesToList();
        assertThat(toApns).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("bob");
            assertThat(kv.value.getProvider()).isEqualTo(DeliveryProvider.APNS);
            assertThat(kv.value.getAddress()).isEqualTo("bob-apns-token");
            assertThat(kv.value.getDeliveryId()).isEqualTo("tests:e-1/bob/push/bob-iphone");
            assertThat(kv.value.getTitle()).isEqualTo("Digest");
            assertThat(kv.value.getBody()).isEqualTo("3 new");
            assertThat(kv.value.getTemplateVersion()).isEqualTo(3);
            assertThat(kv.value.getAttempt()).isEqualTo(1);
            assertThat(kv.value.getUnsubscribeUrl()).isNull();
        });
        assertThat(fcm.readValuesToList()).singleElement().satisfies(delivery -> {
            assertThat(delivery.getProvider()).isEqualTo(DeliveryProvider.FCM);
            assertThat(delivery.getAddress()).isEqualTo("bob-fcm-token");
            assertThat(delivery.getDeliveryId()).isEqualTo("tests:e-1/bob/push/bob-pixel");
        });
        assertThat(email.readValuesToList()).singleElement().satisfies(delivery -> {
            assertThat(delivery.getProvider()).isEqualTo(DeliveryProvider.SMTP);
            assertThat(delivery.getDeliveryId()).isEqualTo("tests:e-1/bob/email");
            assertThat(delivery.getSubject()).isEqualTo("3 new for Bob");
        });
        assertThat(sms.readValuesToList()).singleElement().satisfies(delivery -> {
            assertThat(delivery.getProvider()).isEqualTo(DeliveryProvider.SMS);
            assertThat(delivery.getAddress()).isEqualTo("+15550100");
            assertThat(delivery.getDeliveryId()).isEqualTo("tests:e-1/bob/sms");
            assertThat(delivery.getBody()).isEqualTo("3 new");
        });
        assertThat(DeliveryIds.of("tests", "e-1", "bob", NotificationChannel.PUSH, "bob-iphone"))
                .as("the same ID on every attempt").isEqualTo("tests:e-1/bob/push/bob-iphone");
    }

    @Test
    void shouldSendOnlyTheRequestedChannels() {
        reachable("bob");

        final NotificationRequested onlySms = digestFor("e-1", "bob");
        onlySms.setChannels(List.of("sms"));
        send(onlySms, T0);

        assertThat(statusLines()).containsExactly("sms=QUEUED");
        assertThat(allDeliveries()).extracting(NotificationDelivery::getChannel).containsExactly(NotificationChannel.SMS);
    }

    @Test
    void shouldEscapeParamsInTheHtmlPartOnly() {
        contact("bob", "bob@example.com", null);

        send(follower("e-1", "bob", "<b>Al & Co</b>"), T0);

        assertThat(email.readValuesToList()).singleElement().satisfies(delivery -> {
            assertThat(delivery.getSubject()).isEqualTo("<b>Al & Co</b> now follows you");
            assertThat(delivery.getBody()).isEqualTo("<b>Al & Co</b> started following you on Eventline.");
            assertThat(delivery.getHtml()).isEqualTo("<p><strong>&lt;b&gt;Al &amp; Co&lt;/b&gt;</strong> started "
                    + "following you on Eventline.</p>");
        });
        assertThat(inboxOf("bob")).singleElement()
                .satisfies(entry -> assertThat(entry.getBody()).isEqualTo("<b>Al & Co</b> started following you"));
    }

    @Test
    void shouldGiveEveryEmailAnUnsubscribeLinkThatVerifies() {
        contact("bob", "bob@example.com", null);

        send(follower("e-1", "bob", "alice"), T0);

        final String url = email.readValue().getUnsubscribeUrl();
        assertThat(url).startsWith("https://eventline.example" + UnsubscribeLinks.PATH + "?token=");
        final String token = url.substring(url.indexOf("?token=") + "?token=".length());
        assertThat(LINKS.verify(token))
                .contains(new UnsubscribeLinks.Subscription("bob", NotifyTopology.NEW_FOLLOWER));
    }

    // ---- in-app inbox ----

    @Test
    void shouldKeepInAppNotificationsInTheInboxAndCountThemUnread() {
        send(follower("e-1", "bob", "alice"), T0);
        send(follower("e-2", "bob", "carol"), T0.plusSeconds(10));

        assertThat(inapp.readKeyValuesToList()).extracting(kv -> kv.key + ":" + kv.value.getNotificationId())
                .containsExactly("bob:tests:e-1", "bob:tests:e-2");
        assertThat(inboxOf("bob")).as("newest first").extracting(InboxEntry::getNotificationId)
                .containsExactly("tests:e-2", "tests:e-1");
        assertThat(inboxOf("bob").get(0).getBody()).isEqualTo("carol started following you");
        assertThat(storedRecipient("bob").getUnread()).isEqualTo(2);
        assertThat(storedRecipient("bob").getInboxSize()).isEqualTo(2);
        assertThat(statusLines()).contains("inapp=SENT");
    }

    @Test
    void shouldMarkAnInboxEntryReadAndRejectAnUnknownOne() {
        send(follower("e-1", "bob", "alice"), T0);
        send(follower("e-2", "bob", "carol"), T0.plusSeconds(10));

        final OperationOutcome read = read("bob", "tests:e-1");
        final OperationOutcome again = read("bob", "tests:e-1");
        final OperationOutcome unknown = read("bob", "tests:e-404");
        final OperationOutcome someoneElses = read("carol", "tests:e-2");

        assertThat(read.getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(read.getHttpStatus()).isEqualTo(204);
        assertThat(again.getHttpStatus()).as("reading twice is fine").isEqualTo(204);
        assertThat(unknown.getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(unknown.getHttpStatus()).isEqualTo(404);
        assertThat(someoneElses.getHttpStatus()).isEqualTo(404);
        assertThat(inboxOf("bob")).extracting(InboxEntry::getNotificationId, InboxEntry::getRead)
                .containsExactly(tuple("tests:e-2", false),
                        tuple("tests:e-1", true));
        assertThat(storedRecipient("bob").getUnread()).as("counted down once").isEqualTo(1);
    }

    @Test
    void shouldDropTheOldestEntryBeyondTheInboxLimit() {
        // Given: at most 3 entries per user, the oldest one read
        restart(settings(RETENTION, 3));
        send(follower("e-1", "bob", "a"), T0);
        send(follower("e-2", "bob", "b"), T0.plusSeconds(1));
        send(follower("e-3", "bob", "c"), T0.plusSeconds(2));
        read("bob", "tests:e-1");
        assertThat(storedRecipient("bob").getUnread()).isEqualTo(2);

        // When: two more arrive
        send(follower("e-4", "bob", "d"), T0.plusSeconds(3));
        assertThat(storedRecipient("bob").getUnread()).as("the dropped one was read").isEqualTo(3);
        send(follower("e-5", "bob", "e"), T0.plusSeconds(4));

        // Then: the oldest went, each time, and the unread count lost the unread one
        assertThat(inboxOf("bob")).extracting(InboxEntry::getNotificationId)
                .containsExactly("tests:e-5", "tests:e-4", "tests:e-3");
        assertThat(storedRecipient("bob").getUnread()).isEqualTo(3);
        assertThat(storedRecipient("bob").getInboxSize()).isEqualTo(3);
        assertThat(read("bob", "tests:e-2").getHttpStatus()).as("dropped from the index too").isEqualTo(404);
        final KeyValueStore<String, String> index = driver.getKeyValueStore(NotifyStores.INBOX_INDEX);
        assertThat(index.approximateNumEntries()).isEqualTo(3);
    }

    // ---- feed follows ----

    @Test
    void shouldNotifyTheFolloweeOfANewFollower() {
        // Given: bob has an e-mail address
        contact("bob", "bob@example.com", null);

        // When: alice follows bob; an unfollow and a follow without an event ID are ignored
        graphChanges.pipeInput("bob", GraphChange.newBuilder().setKind(GraphChangeKind.FOLLOWED)
                .setFollowerId("alice").setFolloweeId("bob").setEventId("f-1").build(), T0);
        graphChanges.pipeInput("bob", GraphChange.newBuilder().setKind(GraphChangeKind.UNFOLLOWED)
                .setFollowerId("carol").setFolloweeId("bob").setEventId("f-2").build(), T0);
        graphChanges.pipeInput("bob", GraphChange.newBuilder().setKind(GraphChangeKind.FOLLOWED)
                .setFollowerId("dave").setFolloweeId("bob").setEventId(null).build(), T0);

        // Then: one new-follower notification to bob, with an event ID derived from the follow's
        final TestOutputTopic<String, NotificationRequested> asked = driver.createOutputTopic(
                NotifyTopics.REQUESTS.name(), Serdes.String().deserializer(),
                serdes.of(NotificationRequested.class).deserializer());
        assertThat(asked.readKeyValuesToList()).singleElement().satisfies(kv -> {
            assertThat(kv.key).isEqualTo("bob");
            assertThat(kv.value.getEventId()).isEqualTo("follow:f-1");
            assertThat(kv.value.getTemplate()).isEqualTo(NotifyTopology.NEW_FOLLOWER);
            assertThat(kv.value.getParams()).containsExactly(Map.entry("follower", "alice"));
        });
        assertThat(email.readValuesToList()).singleElement().satisfies(delivery -> {
            assertThat(delivery.getEventId()).isEqualTo("follow:f-1");
            assertThat(delivery.getSubject()).isEqualTo("alice now follows you");
        });

        // and a replayed follow notifies nobody again
        graphChanges.pipeInput("bob", GraphChange.newBuilder().setKind(GraphChangeKind.FOLLOWED)
                .setFollowerId("alice").setFolloweeId("bob").setEventId("f-1").build(), T0.plusSeconds(1));
        assertThat(email.isEmpty()).isTrue();
    }

    // ---- statuses ----

    @Test
    void shouldSplitTheStatusOfALargeFanOutIntoOneSmallRecordPerRecipient() {
        // Given: one eventId delivered in-app to 4,000 users (a fan-out that, kept in one record, passed 1 MB)
        final TestInputTopic<String, DeliveryStatusChanged> reports = driver.createInputTopic(
                NotifyTopics.STATUS.name(), Serdes.String().serializer(),
                serdes.of(DeliveryStatusChanged.class).serializer());
        for (int i = 0; i < 4_000; i++) {
            reports.pipeInput("wide", DeliveryStatusChanged.newBuilder().setEventId("wide").setUserId("user-" + i)
                    .setChannel(NotificationChannel.INAPP).setState(DeliveryState.SENT).setAttempts(1)
                    .setRequestedBy("campaigns").setTemplate(DIGEST).setAt(T0).build(), T0);
        }

        // When
        final WindowStore<String, NotificationStatus> store = driver.getWindowStore(NotifyStores.STATUS);
        final NotificationStatus status = StatusKeeper.find(store, "wide").value;

        // Then: every delivery is in the status, and no stored record holds more than one recipient's
        assertThat(status.getDeliveries()).hasSize(4_000);
        assertThat(status.getRequestedBy()).isEqualTo("campaigns");
        int records = 0;
        try (KeyValueIterator<Windowed<String>, NotificationStatus> all = store.all()) {
            while (all.hasNext()) {
                final NotificationStatus stored = all.next().value;
                assertThat(stored.getDeliveries()).extracting(DeliveryStatusChanged::getUserId).hasSize(1);
                records++;
            }
        }
        assertThat(records).isEqualTo(4_000);
    }

    @Test
    void shouldFoldEveryDeliveryOfAnEventIntoOneStatus() {
        reachable("bob");
        send(follower("e-1", "bob", "alice"), T0);

        // a sender reports the iPhone's push sent, then the processor's QUEUED is replayed late
        final TestInputTopic<String, DeliveryStatusChanged> reports = driver.createInputTopic(
                NotifyTopics.STATUS.name(), Serdes.String().serializer(),
                serdes.of(DeliveryStatusChanged.class).serializer());
        final DeliveryStatusChanged sent = DeliveryStatusChanged.newBuilder().setEventId("e-1").setUserId("bob")
                .setChannel(NotificationChannel.PUSH).setDeviceId("bob-iphone").setState(DeliveryState.SENT)
                .setAttempts(1).setRequestedBy("tests").setAt(T0.plusSeconds(1)).build();
        reports.pipeInput("e-1", sent, T0.plusSeconds(1));
        final DeliveryStatusChanged lateQueued = DeliveryStatusChanged.newBuilder().setEventId("e-1").setUserId("bob")
                .setChannel(NotificationChannel.PUSH).setDeviceId("bob-iphone").setState(DeliveryState.QUEUED)
                .setAttempts(0).setRequestedBy("tests").setAt(T0).build();
        reports.pipeInput("e-1", lateQueued, T0.plusSeconds(2));

        final NotificationStatus status = StatusKeeper.find(driver.getWindowStore(NotifyStores.STATUS), "e-1").value;
        assertThat(status.getTemplate()).isEqualTo(NotifyTopology.NEW_FOLLOWER);
        assertThat(status.getRequestedBy()).isEqualTo("tests");
        assertThat(status.getDeliveries()).extracting(NotifyTopologyTest::line)
                .containsExactly("push/bob-iphone=SENT", "push/bob-pixel=QUEUED", "email=QUEUED", "inapp=SENT");
    }

    @Test
    void shouldForgetAStatusOnceItIsOlderThanTheRetention() {
        reachable("bob");
        send(follower("e-old", "bob", "alice"), T0);
        assertThat(StatusKeeper.find(driver.getWindowStore(NotifyStores.STATUS), "e-old")).isNotNull();

        // stream time moves far past the retention with another event's statuses
        send(follower("e-new", "bob", "carol"), T0.plus(RETENTION.multipliedBy(4)));

        assertThat(StatusKeeper.find(driver.getWindowStore(NotifyStores.STATUS), "e-old")).isNull();
        assertThat(StatusKeeper.find(driver.getWindowStore(NotifyStores.STATUS), "e-new")).isNotNull();
    }

    @Test
    void shouldDeliverARequestKeyedByItsUserWithoutTheRepartitionHopAndOnceWhicheverWayItCame() {
        reachable("bob");
        final NotificationRequested request = follower("e-keyed", "bob", "alice");

        // Given: the request produced keyed by its user, as Eventline's own producer does, then again misrouted
        requests.pipeInput("bob", request, T0);
        final List<NotificationDelivery> first = allDeliveries();
        send(request, T0.plusSeconds(1));

        // Then: delivered on the direct path, and the second copy is the same notification
        assertThat(first).extracting(NotificationDelivery::getEventId).isNotEmpty().containsOnly("e-keyed");
        assertThat(allDeliveries()).isEmpty();
    }
}
