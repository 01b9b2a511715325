package io.eventline.chat;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.kafka.Partitions;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotifyTopics;
import io.eventline.platform.PlatformFixture;
import io.eventline.registry.client.HttpSchemaRegistryClient;
import io.eventline.serde.AvroSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chat and presence through one running instance, over real HTTP and real WebSockets: channels, messages and
 * their limits, history, read markers, each device's sync queue, delivery to sockets exactly once and in order
 * across a reconnect, presence, pushes for offline recipients, in-app notifications on the socket, and a
 * third-party client built on the npm {@code ws} package.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ChatApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path NODE_DIR = Path.of("src", "test", "node");
    /** The domain this instance's routes are limited under; no rules until a test puts some. */
    private static final String LIMITS = "chat-limits-" + UUID.randomUUID().toString().substring(0, 8);
    /** No other test puts one user in this many channels. */
    private static final int MAX_CHANNELS_PER_USER = 5;
    /** How many partitions of the user events and of the in-app notifications the instance reads. */
    private static final String HUB_USER_EVENTS =
            "eventline_chat_hub_partitions{topic=\"" + ChatTopics.USER_EVENTS.name() + "\"}";
    private static final String HUB_INAPP =
            "eventline_chat_hub_partitions{topic=\"" + NotifyTopics.INAPP.name() + "\"}";
    private static PlatformFixture platform;
    private static KafkaCluster cluster;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        cluster = kafka;
        // writes are asserted on their final answers: a busy machine must not turn them into 202s
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("EVENTLINE_AWAIT_TIMEOUT_MS", "20000",
                "EVENTLINE_RATELIMIT_DOMAIN", LIMITS,
                "EVENTLINE_CHAT_MAX_CHANNELS_PER_USER", String.valueOf(MAX_CHANNELS_PER_USER)));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldOpenTheSameDirectChannelWhoeverAsksAndShowItToMembersOnly() throws Exception {
        // Given
        final String alice = user("alice");
        final String bob = user("bob");

        // When both open the direct channel with the other
        final HttpResponse<String> first = createDirect(alice, bob);
        final HttpResponse<String> second = createDirect(bob, alice);

        // Then the first creates it, the second finds the same one
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        final String channelId = JSON.readTree(first.body()).get("channelId").asText();
        assertThat(JSON.readTree(second.body()).get("channelId").asText()).isEqualTo(channelId);
        assertThat(first.headers().firstValue("Location")).contains("/api/v1/channels/" + channelId);
        assertThat(second.headers().firstValue("Location")).contains("/api/v1/channels/" + channelId);

        // And members read it
        final HttpResponse<String> read = platform.get("/api/v1/channels/" + channelId, token(bob));
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        final JsonNode channel = JSON.readTree(read.body());
        assertThat(channel.get("type").asText()).isEqualTo("direct");
        assertThat(names(channel.get("members"))).containsExactlyInAnyOrder(alice, bob);
    }

    @Test
    void shouldAnswerAStrangerAsIfTheChannelDidNotExist() throws Exception {
        // Given a direct channel and a group that exist, and a channel ID that names nothing
        final String alice = user("alice");
        final String bob = user("bob");
        final String eve = user("eve");
        final String direct = channelIdOf(createDirect(alice, bob));
        final String group = channelIdOf(createGroup(alice, "Private", List.of(bob)));
        final String missing = "g_1";

        // When a stranger reads, writes, marks read, looks at presence, adds herself and leaves, on each
        for (String channelId : List.of(direct, group)) {
            final Map<String, HttpResponse<String>> existing = strangerRequests(channelId, eve);
            final Map<String, HttpResponse<String>> absent = strangerRequests(missing, eve);

            // Then every answer is the one for a channel that does not exist
            existing.forEach((request, response) -> {
                assertThat(response.statusCode()).as(request + " " + response.body()).isEqualTo(404);
                assertThat(response.headers().firstValue("Content-Type")).as(request)
                        .contains("application/problem+json");
                assertThat(problemShape(response, channelId)).as(request)
                        .isEqualTo(problemShape(absent.get(request), missing));
            });
        }
        assertThat(JSON.readTree(platform.get("/api/v1/channels/" + direct, token(eve)).body()).get("type")
                .asText()).endsWith("/channel-not-found");
    }

    /** Every request on a channel a stranger may try, by name. */
    private static Map<String, HttpResponse<String>> strangerRequests(String channelId, String stranger)
            throws Exception {
        final String path = "/api/v1/channels/" + channelId;
        final Map<String, HttpResponse<String>> answers = new java.util.LinkedHashMap<>();
        answers.put("GET channel", platform.get(path, token(stranger)));
        answers.put("GET messages", platform.get(path + "/messages", token(stranger)));
        answers.put("POST message", platform.post(path + "/messages", token(stranger), message("hi?", "c1")));
        answers.put("POST read", platform.post(path + "/read", token(stranger), "{\"messageId\":\"1\"}"));
        answers.put("GET presence", platform.get(path + "/presence", token(stranger)));
        answers.put("PUT member", platform.put(path + "/members/" + stranger, token(stranger), null));
        answers.put("DELETE member", platform.delete(path + "/members/" + stranger, token(stranger)));
        return answers;
    }

    /** A problem with the channel's ID taken out of it: what a stranger could compare between two answers. */
    private static JsonNode problemShape(HttpResponse<String> response, String channelId) {
        try {
            final ObjectNode problem = (ObjectNode) JSON.readTree(response.body().replace(channelId, "{id}"));
            problem.remove("instance");
            return problem;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldListTheCallersChannelsInPagesWithACursor() throws Exception {
        // Given a user in as many direct channels as a user may have
        final String target = user("target");
        final List<String> created = new ArrayList<>();
        for (int i = 0; i < MAX_CHANNELS_PER_USER; i++) {
            created.add(channelIdOf(createDirect(target, user("peer" + i))));
        }
        platform.awaitJson("/api/v1/me/channels?limit=100", token(target),
                list -> list.get("channels").size() == MAX_CHANNELS_PER_USER, WAIT);

        // When the channels are read two at a time, following nextCursor
        final List<String> listed = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        String path = "/api/v1/me/channels?limit=2";
        JsonNode page;
        do {
            final HttpResponse<String> response = platform.get(path, token(target));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            page = JSON.readTree(response.body());
            sizes.add(page.get("channels").size());
            listed.addAll(page.get("channels").findValuesAsText("channelId"));
            assertThat(page.has("nextCursor")).isTrue();
            path = "/api/v1/me/channels?limit=2&cursor=" + page.get("nextCursor").asText();
        } while (!page.get("nextCursor").isNull());

        // Then each channel is listed once, in pages of at most two, and the last page has no cursor
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(created);
        final JsonNode all = JSON.readTree(platform.get("/api/v1/me/channels", token(target)).body());
        assertThat(all.get("channels").findValuesAsText("channelId")).isEqualTo(listed);
        assertThat(all.get("nextCursor").isNull()).isTrue();

        // And a cursor this API did not return, or a limit out of range, is a 400 problem
        for (String bad : List.of("cursor=%25%25%25", "cursor=bm90LWEtY2hhbm5lbA", "limit=0", "limit=101",
                "limit=x")) {
            final HttpResponse<String> refused = platform.get("/api/v1/me/channels?" + bad, token(target));
            assertThat(refused.statusCode()).as(bad + " " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).as(bad).contains("application/problem+json");
        }
    }

    @Test
    void shouldRefuseA101stGroupMemberWith409AndInvalidChannelsWith400() throws Exception {
        // Given a group of 100: its creator and 99 others
        final String owner = user("owner");
        final List<String> others = new ArrayList<>();
        for (int i = 0; i < 99; i++) {
            others.add(user("m" + i));
        }
        final HttpResponse<String> created = createGroup(owner, "Hundred", others);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final String groupId = JSON.readTree(created.body()).get("channelId").asText();
        assertThat(JSON.readTree(created.body()).get("memberCount").asInt()).isEqualTo(100);

        // When a 101st member is added, or a group of 101 is created
        final HttpResponse<String> added = platform.put("/api/v1/channels/" + groupId + "/members/" + user("late"),
                token(owner), null);
        final List<String> tooMany = new ArrayList<>(others);
        tooMany.add(user("one-more"));
        final HttpResponse<String> oversized = createGroup(owner, "Too many", tooMany);

        // Then both are conflicts
        assertThat(added.statusCode()).as(added.body()).isEqualTo(409);
        assertThat(JSON.readTree(added.body()).get("type").asText()).endsWith("/group-full");
        assertThat(oversized.statusCode()).as(oversized.body()).isEqualTo(409);

        // And malformed channels are 400s that point at the field
        assertThat(pointer(platform.post("/api/v1/channels", token(owner), "{\"type\":\"room\",\"members\":[]}")))
                .isEqualTo("/type");
        assertThat(pointer(platform.post("/api/v1/channels", token(owner),
                "{\"type\":\"direct\",\"members\":[\"" + owner + "\"]}"))).isEqualTo("/members/0");
        assertThat(pointer(platform.post("/api/v1/channels", token(owner), "{\"type\":\"group\",\"members\":[]}")))
                .isEqualTo("/name");
        assertThat(pointer(platform.post("/api/v1/channels", token(owner),
                "{\"type\":\"direct\",\"members\":[\"a\\u0001b\"]}"))).isEqualTo("/members/0");
    }

    @Test
    void shouldAddOnlyUsersWhoHavePresentedATokenToGroups() throws Exception {
        // Given a group, and a user who has never made a request
        final String alice = user("alice");
        final String ghost = user("ghost");
        final String groupId = channelIdOf(createGroup(alice, "Known only", List.of()));
        final String members = "/api/v1/channels/" + groupId + "/members/";

        // When alice adds the never-seen user, or creates a group naming them
        final HttpResponse<String> added = platform.put(members + ghost, token(alice), null);
        final HttpResponse<String> created = createGroupOfAnyone(alice, "With a ghost", List.of(ghost));

        // Then both are 404 user-not-found problems, and the group is unchanged
        for (HttpResponse<String> refused : List.of(added, created)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
            assertThat(JSON.readTree(refused.body()).get("type").asText()).endsWith("/user-not-found");
            assertThat(JSON.readTree(refused.body()).get("detail").asText()).contains(ghost);
        }
        assertThat(names(JSON.readTree(platform.get("/api/v1/channels/" + groupId, token(alice)).body())
                .get("members"))).containsExactly(alice);

        // When the user presents a token once, on any authenticated request
        assertThat(platform.get("/api/v1/me/channels", token(ghost)).statusCode()).isEqualTo(200);

        // Then they can be added (once the report has reached the instance deciding), and named in a new group
        final HttpResponse<String> addedLater = untilKnown(() -> platform.put(members + ghost, token(alice), null));
        assertThat(addedLater.statusCode()).as(addedLater.body()).isEqualTo(200);
        assertThat(names(JSON.readTree(addedLater.body()).get("members"))).containsExactly(alice, ghost);
        final HttpResponse<String> createdLater = createGroupOfAnyone(alice, "With a friend", List.of(ghost));
        assertThat(createdLater.statusCode()).as(createdLater.body()).isEqualTo(201);
    }

    @Test
    void shouldRefuseToPutAUserInMoreChannelsThanTheirLimit() throws Exception {
        // Given a user whom strangers put in as many groups as a user may be in
        final String target = user("popular");
        for (int i = 0; i < MAX_CHANNELS_PER_USER; i++) {
            final HttpResponse<String> created = createGroup(user("stranger"), "Group " + i, List.of(target));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        }
        final String stranger = user("stranger");
        final String groupId = channelIdOf(createGroup(stranger, "One more", List.of()));

        // When one more adds them
        final HttpResponse<String> added = platform.put("/api/v1/channels/" + groupId + "/members/" + target,
                token(stranger), null);

        // Then it is a conflict naming the limit, and the group does not keep them
        assertThat(added.statusCode()).as(added.body()).isEqualTo(409);
        assertThat(added.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(added.body()).get("type").asText()).endsWith("/channel-limit");
        assertThat(JSON.readTree(added.body()).get("detail").asText()).contains(MAX_CHANNELS_PER_USER + " channels");
        platform.awaitJson("/api/v1/channels/" + groupId, token(stranger),
                group -> group.get("memberCount").asInt() == 1, WAIT);
        final JsonNode channels = JSON.readTree(platform.get("/api/v1/me/channels", token(target)).body());
        assertThat(channels.get("channels")).hasSize(MAX_CHANNELS_PER_USER);
        assertThat(channels.get("channels").findValuesAsText("channelId")).doesNotContain(groupId);
    }

    @Test
    void shouldLetMembersManageAGroupAndKeepOthersOut() throws Exception {
        // Given a group of alice and bob
        final String alice = user("alice");
        final String bob = user("bob");
        final String carol = user("carol");
        final String groupId = channelIdOf(createGroup(alice, "Team", List.of(bob)));

        // When a stranger reads, writes or looks at presence
        final String path = "/api/v1/channels/" + groupId;
        final List<HttpResponse<String>> refused = List.of(platform.get(path + "/messages", token(carol)),
                platform.post(path + "/messages", token(carol), message("hello?", "c1")),
                platform.get(path + "/presence", token(carol)),
                platform.put(path + "/members/" + carol, token(carol), null));

        // Then each is answered as if the channel did not exist
        refused.forEach(response -> assertThat(response.statusCode()).as(response.body()).isEqualTo(404));

        // When bob adds carol, and carol leaves again; bob may not remove alice, the creator may remove bob
        final HttpResponse<String> added = untilKnown(() -> platform.put(path + "/members/" + carol, token(bob),
                null));
        final HttpResponse<String> left = platform.delete(path + "/members/" + carol, token(carol));
        final HttpResponse<String> notAllowed = platform.delete(path + "/members/" + alice, token(bob));
        final HttpResponse<String> removed = platform.delete(path + "/members/" + bob, token(alice));

        // Then
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        assertThat(names(JSON.readTree(added.body()).get("members"))).contains(carol);
        assertThat(left.statusCode()).as(left.body()).isEqualTo(204);
        assertThat(notAllowed.statusCode()).as(notAllowed.body()).isEqualTo(403);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(204);
        assertThat(names(JSON.readTree(platform.get(path, token(alice)).body()).get("members")))
                .containsExactly(alice);
    }

    @Test
    void shouldAcceptATextOf100000CharactersAndRefuseLongerOnesWith413() throws Exception {
        // Given
        final String alice = user("alice");
        final String channelId = channelIdOf(createDirect(alice, user("bob")));
        final String path = "/api/v1/channels/" + channelId + "/messages";

        // When
        final HttpResponse<String> longest = platform.post(path, token(alice), message("x".repeat(100_000), "c1"));
        final HttpResponse<String> tooLong = platform.post(path, token(alice), message("x".repeat(100_001), "c2"));
        final HttpResponse<String> overBodyLimit = platform.post(path, token(alice),
                message("\u00e9".repeat(600_000), "c3"));
        final HttpResponse<String> empty = platform.post(path, token(alice), message("", "c4"));

        // Then
        assertThat(longest.statusCode()).as(longest.body()).isEqualTo(201);
        assertThat(JSON.readTree(longest.body()).get("text").asText()).hasSize(100_000);
        assertThat(tooLong.statusCode()).isEqualTo(413);
        assertThat(tooLong.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(overBodyLimit.statusCode()).isEqualTo(413);
        assertThat(overBodyLimit.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(pointer(empty)).isEqualTo("/text");
    }

    @Test
    void shouldStoreAResendOnceAndPageHistoryNewestFirst() throws Exception {
        // Given five messages, the third sent twice with the same clientMessageId
        final String alice = user("alice");
        final String channelId = channelIdOf(createDirect(alice, user("bob")));
        final String path = "/api/v1/channels/" + channelId + "/messages";
        final List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            final HttpResponse<String> sent = platform.post(path, token(alice), message("m" + i, "client-" + i));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
            ids.add(JSON.readTree(sent.body()).get("messageId").asText());
        }
        final HttpResponse<String> resent = platform.post(path, token(alice), message("m3", "client-3"));

        // Then the resend answers 200 with the same message
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        assertThat(JSON.readTree(resent.body()).get("messageId").asText()).isEqualTo(ids.get(2));

        // When history is read two at a time
        final JsonNode page1 = JSON.readTree(platform.get(path + "?limit=2", token(alice)).body());
        final JsonNode page2 = JSON.readTree(platform.get(path + "?limit=2&before="
                + page1.get("nextBefore").asText(), token(alice)).body());
        final JsonNode page3 = JSON.readTree(platform.get(path + "?limit=2&before="
                + page2.get("nextBefore").asText(), token(alice)).body());

        // Then every message appears once, newest first, and the last page has no next
        assertThat(messageIds(page1)).containsExactly(ids.get(4), ids.get(3));
        assertThat(messageIds(page2)).containsExactly(ids.get(2), ids.get(1));
        assertThat(messageIds(page3)).containsExactly(ids.get(0));
        assertThat(page3.get("nextBefore").isNull()).isTrue();
    }

    @Test
    void shouldCountUnreadMessagesUntilTheReadMarker() throws Exception {
        // Given three messages from alice to bob
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final List<String> ids = sendAll(alice, channelId, "one", "two", "three");
        platform.awaitJson("/api/v1/me/channels", token(bob), me -> unread(me, channelId) == 3, WAIT);

        // When bob reads up to the second
        final HttpResponse<String> read = platform.post("/api/v1/channels/" + channelId + "/read", token(bob),
                JSON.createObjectNode().put("messageId", ids.get(1)).toString());

        // Then one is left unread, in the answer and in bob's channels; the sender has none
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        final JsonNode marker = JSON.readTree(read.body());
        assertThat(marker.get("channelId").asText()).isEqualTo(channelId);
        assertThat(marker.get("readMessageId").asText()).isEqualTo(ids.get(1));
        assertThat(marker.get("unread").asInt()).isEqualTo(1);
        assertThat(unread(JSON.readTree(platform.get("/api/v1/me/channels", token(bob)).body()), channelId))
                .isEqualTo(1);
        assertThat(unread(platform.awaitJson("/api/v1/me/channels", token(alice),
                me -> unread(me, channelId) >= 0, WAIT), channelId)).isZero();
    }

    @Test
    void shouldSyncADeviceAndResumeAfterItsAcknowledgedCursor() throws Exception {
        // Given three messages for bob
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        sendAll(alice, channelId, "one", "two", "three");
        final JsonNode all = platform.awaitJson("/api/v1/me/sync?device=tablet", token(bob),
                sync -> sync.get("entries").size() == 3, WAIT);
        assertThat(all.get("cursor").asLong()).isZero();
        final List<Long> seqs = seqs(all);
        assertThat(texts(all)).containsExactly("one", "two", "three");

        // When the device acknowledges the second
        final HttpResponse<String> ack = platform.post("/api/v1/me/sync/ack", token(bob),
                JSON.createObjectNode().put("device", "tablet").put("seq", seqs.get(1)).toString());

        // Then its sync resumes after it, while another device still sees everything
        assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
        assertThat(JSON.readTree(ack.body()).get("seq").asLong()).isEqualTo(seqs.get(1));
        final JsonNode rest = JSON.readTree(platform.get("/api/v1/me/sync?device=tablet", token(bob)).body());
        assertThat(rest.get("cursor").asLong()).isEqualTo(seqs.get(1));
        assertThat(texts(rest)).containsExactly("three");
        assertThat(rest.get("lastSeq").asLong()).isEqualTo(seqs.get(2));
        assertThat(rest.get("hasMore").asBoolean()).isFalse();
        assertThat(texts(JSON.readTree(platform.get("/api/v1/me/sync?device=phone", token(bob)).body())))
                .containsExactly("one", "two", "three");
        assertThat(pointer(platform.get("/api/v1/me/sync?device=bad%20name", token(bob)))).isEqualTo("/device");
    }

    @Test
    void shouldNotCountWhatASocketCatchesUpOnAsDeliveryTime() throws Exception {
        // Given three messages for bob while he has no socket
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        sendAll(alice, channelId, "one", "two", "three");
        platform.awaitJson("/api/v1/me/sync?device=phone", token(bob), sync -> sync.get("entries").size() == 3, WAIT);
        final double deliveriesBefore = metric("eventline_chat_delivery_seconds_count");
        final double framesBefore = metric("eventline_chat_frames_total{direction=\"out\",type=\"message\"}");

        // When his phone connects and catches up
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            for (String text : List.of("one", "two", "three")) {
                assertThat(bobSocket.await("message", WAIT).get("text").asText()).isEqualTo(text);
            }

            // Then the frames are counted, but not as delivery time: their age is how long bob was away
            awaitMetric("eventline_chat_frames_total{direction=\"out\",type=\"message\"}", framesBefore + 3);
            assertThat(metric("eventline_chat_delivery_seconds_count")).isEqualTo(deliveriesBefore);

            // and a message while he is connected is
            sendAll(alice, channelId, "four");
            assertThat(bobSocket.await("message", WAIT).get("text").asText()).isEqualTo("four");
            awaitMetric("eventline_chat_delivery_seconds_count", deliveriesBefore + 1);
        }
    }

    /** Waits for a sample to reach {@code expected} (a frame is counted once written), then asserts it. */
    private static void awaitMetric(String series, double expected) throws Exception {
        eventually(Duration.ofSeconds(5), Duration.ofMillis(50), () -> metric(series) >= expected);
        assertThat(metric(series)).as(series).isEqualTo(expected);
    }

    /** A sample of the instance's Prometheus metrics, 0 when it has none yet. */
    private static double metric(String series) throws Exception {
        return platform.metrics().body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst().orElse(0.0);
    }

    @Test
    void shouldAckTheSenderAndDeliverToTheRecipientsSocket() throws Exception {
        // Given both connected
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final HttpResponse<String> endpoint = platform.get("/api/v1/chat/endpoint", token(bob));
        assertThat(endpoint.statusCode()).as(endpoint.body()).isEqualTo(200);
        assertThat(JSON.readTree(endpoint.body()).get("url").asText())
                .isEqualTo(platform.baseUrl().replaceFirst("^http", "ws") + "/ws");
        assertThat(JSON.readTree(endpoint.body()).get("heartbeatIntervalSeconds").asInt()).isEqualTo(5);
        try (ChatSocketClient aliceSocket = ChatSocketClient.connect(platform.baseUrl(), token(alice), "laptop");
             ChatSocketClient bobSocket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            final JsonNode hello = bobSocket.await("hello", WAIT);
            assertThat(hello.get("device").asText()).isEqualTo("phone");
            assertThat(hello.get("heartbeatIntervalSeconds").asInt()).isEqualTo(5);
            aliceSocket.await("hello", WAIT);

            // When alice sends a broken frame, then a message
            aliceSocket.sendText("{not json");
            final JsonNode error = aliceSocket.await("error", WAIT);
            aliceSocket.send(send(channelId, "hi bob", "c-1"));

            // Then the broken frame got a 400 and the socket stayed open: alice gets her ack, bob the message
            assertThat(error.at("/problem/status").asInt()).isEqualTo(400);
            final JsonNode ack = aliceSocket.await("ack", WAIT);
            assertThat(ack.get("clientMessageId").asText()).isEqualTo("c-1");
            final JsonNode message = bobSocket.await("message", WAIT);
            assertThat(message.get("messageId").asText()).isEqualTo(ack.get("messageId").asText());
            assertThat(message.get("text").asText()).isEqualTo("hi bob");
            assertThat(message.get("senderId").asText()).isEqualTo(alice);
            assertThat(message.get("channelId").asText()).isEqualTo(channelId);
            assertThat(message.get("seq").asLong()).isPositive();

            // And a message of 100,000 characters goes through the socket too; a longer one is refused with 413
            aliceSocket.send(send(channelId, "y".repeat(100_000), "c-big"));
            // her own socket also gets the message, which may come before or after its ack
            assertThat(aliceSocket.await(f -> "c-big".equals(f.path("clientMessageId").asText())
                    && !"message".equals(f.path("type").asText()), WAIT).get("type").asText()).isEqualTo("ack");
            assertThat(bobSocket.await("message", WAIT).get("text").asText()).hasSize(100_000);
            aliceSocket.send(send(channelId, "y".repeat(100_001), "c-huge"));
            assertThat(aliceSocket.await(f -> "c-huge".equals(f.path("clientMessageId").asText()), WAIT)
                    .at("/problem/status").asInt()).isEqualTo(413);

            // And a non-member's send is refused on the socket exactly as one to a channel that does not exist
            final String othersChannel = channelIdOf(createDirect(bob, user("zed")));
            aliceSocket.send(send(othersChannel, "sneaky", "c-2"));
            final JsonNode refused = aliceSocket.await(f -> "c-2".equals(f.path("clientMessageId").asText()), WAIT);
            aliceSocket.send(send("g_1", "sneaky", "c-3"));
            final JsonNode absent = aliceSocket.await(f -> "c-3".equals(f.path("clientMessageId").asText()), WAIT);
            assertThat(refused.get("type").asText()).isEqualTo("error");
            assertThat(refused.at("/problem/status").asInt()).isEqualTo(404);
            assertThat(JSON.readTree(refused.get("problem").toString().replace(othersChannel, "{id}")))
                    .isEqualTo(JSON.readTree(absent.get("problem").toString().replace("g_1", "{id}")));
        }
        final String metrics = platform.metrics().body();
        assertThat(metrics).contains("eventline_chat_sockets", "eventline_chat_delivery_seconds_bucket",
                "eventline_chat_frames_total{direction=\"out\",type=\"message\"}");
    }

    @Test
    void shouldCloseASocketWith4401WhenItsTokenExpires() throws Exception {
        // Given bob's socket, opened with a token that expires in 6 s, and a channel with alice
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final Instant expiresAt = Instant.now().plusSeconds(6);
        final String shortLived = new JwtAuth(PlatformFixture.JWT_SECRET, Clock.systemUTC())
                .issue(bob, Set.of(), Duration.between(Instant.now(), expiresAt));
        try (ChatSocketClient socket = ChatSocketClient.connect(platform.baseUrl(), shortLived, "phone")) {
            socket.await("hello", WAIT);
            assertThat(platform.post("/api/v1/channels/" + channelId + "/messages", token(alice),
                    message("while valid", "c-1")).statusCode()).isEqualTo(201);
            assertThat(socket.await("message", WAIT).get("text").asText()).isEqualTo("while valid");

            // When the token expires
            final int code = socket.awaitClose(Duration.ofSeconds(15));

            // Then the server closes the socket with 4401, not before the expiry, and sends nothing after it
            assertThat(code).isEqualTo(ChatSocketEndpoint.TOKEN_EXPIRED);
            assertThat(Instant.now()).isAfterOrEqualTo(expiresAt.truncatedTo(ChronoUnit.SECONDS));
            final int framesAtClose = socket.seen().size();
            platform.post("/api/v1/channels/" + channelId + "/messages", token(alice), message("too late", "c-2"));
            Thread.sleep(500);
            assertThat(socket.seen()).hasSize(framesAtClose);
        }
    }

    @Test
    void shouldRefuseSocketSendsOverTheWriteLimitWith429AndDeliverOnlyTheAdmittedOnes() throws Exception {
        // Given: sends limited to 20/s per user with a burst of 40
        putSendLimit();
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        try (ChatSocketClient aliceSocket = ChatSocketClient.connect(platform.baseUrl(), token(alice), "laptop");
             ChatSocketClient bobSocket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            aliceSocket.await("hello", WAIT);
            bobSocket.await("hello", WAIT);

            // When: 80 sends at once
            final int sends = 80;
            for (int i = 0; i < sends; i++) {
                aliceSocket.send(send(channelId, "flood " + i, "f-" + i));
            }

            // Then: each is answered (refusals come at once, acks later), the first 40 admitted, some refused
            final Map<String, JsonNode> answers = new HashMap<>();
            eventually(WAIT, Duration.ofMillis(50), () -> {
                aliceSocket.seen().stream().filter(f -> f.path("clientMessageId").asText().startsWith("f-")
                                && !"message".equals(f.path("type").asText()))
                        .forEach(f -> answers.put(f.get("clientMessageId").asText(), f));
                return answers.size() >= sends;
            });
            assertThat(answers).as("answered sends").hasSize(sends);
            final List<String> admitted = new ArrayList<>();
            int refused = 0;
            for (int i = 0; i < sends; i++) {
                final JsonNode answer = answers.get("f-" + i);
                if (answer.get("type").asText().equals("ack")) {
                    admitted.add("flood " + i);
                    continue;
                }
                assertThat(answer.at("/problem/status").asInt()).as(answer.toString()).isEqualTo(429);
                assertThat(answer.at("/problem/detail").asText()).contains("sends-per-user");
                refused++;
            }
            assertThat(admitted.subList(0, 40)).as("the burst")
                    .isEqualTo(IntStream.range(0, 40).mapToObj(i -> "flood " + i).toList());
            assertThat(refused).isPositive();

            // And bob receives exactly the admitted ones, in order
            final List<String> received = new ArrayList<>();
            while (received.size() < admitted.size()) {
                received.add(bobSocket.await("message", WAIT).get("text").asText());
            }
            assertThat(received).containsExactlyElementsOf(admitted);
        }
    }

    @Test
    void shouldCountTheSendsOfAllAUsersSocketsUnderOneLimit() throws Exception {
        // Given: sends limited to 20/s per user with a burst of 40, and three sockets of alice
        putSendLimit();
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final List<ChatSocketClient> sockets = new ArrayList<>();
        try {
            for (String device : List.of("laptop", "phone", "tablet")) {
                final ChatSocketClient socket = ChatSocketClient.connect(platform.baseUrl(), token(alice), device);
                sockets.add(socket);
                socket.await("hello", WAIT);
            }

            // When: each socket sends 40 at once
            final long start = System.nanoTime();
            for (int i = 0; i < 40; i++) {
                for (int s = 0; s < sockets.size(); s++) {
                    sockets.get(s).send(send(channelId, "flood " + s + "-" + i, "f-" + s + "-" + i));
                }
            }

            // Then: every send is answered, and together they got the user's burst plus what refilled meanwhile,
            // not a burst per socket
            final int[] answered = eventually(WAIT, Duration.ofMillis(50), () -> {
                int ackedSoFar = 0;
                int refusedSoFar = 0;
                for (ChatSocketClient socket : sockets) {
                    for (JsonNode frame : socket.seen()) {
                        if (frame.path("clientMessageId").asText().startsWith("f-")) {
                            if (frame.path("type").asText().equals("ack")) {
                                ackedSoFar++;
                            } else if (frame.path("type").asText().equals("error")) {
                                assertThat(frame.at("/problem/status").asInt()).as(frame.toString()).isEqualTo(429);
                                assertThat(frame.at("/problem/detail").asText()).contains("sends-per-user");
                                refusedSoFar++;
                            }
                        }
                    }
                }
                return new int[] {ackedSoFar, refusedSoFar};
            }, counts -> counts[0] + counts[1] >= 120);
            final int acked = answered[0];
            final int refused = answered[1];
            final double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(acked + refused).as("answered sends").isEqualTo(120);
            assertThat(acked).as("admitted of 120 in %.2f s", seconds).isGreaterThanOrEqualTo(40)
                    .isLessThanOrEqualTo(40 + (int) Math.ceil(20 * seconds));
        } finally {
            for (ChatSocketClient socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void shouldDeliverWhatADeviceMissedOnceEachAndInOrderWhenItReconnects() throws Exception {
        // Given bob's phone got the first message and acknowledged it
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final long firstSeq;
        try (ChatSocketClient phone = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            phone.await("hello", WAIT);
            sendAll(alice, channelId, "m1");
            firstSeq = phone.await("message", WAIT).get("seq").asLong();
            phone.send(JSON.createObjectNode().put("type", "ack").put("seq", firstSeq));
            platform.awaitJson("/api/v1/me/sync?device=phone", token(bob),
                    sync -> sync.get("cursor").asLong() == firstSeq, WAIT);
        }

        // When two messages come while the phone is away, and more while it reconnects
        sendAll(alice, channelId, "m2", "m3");
        final CompletableFuture<List<String>> meanwhile = CompletableFuture
                .supplyAsync(() -> {
                    try {
                        return sendAll(alice, channelId, "m4", "m5", "m6", "m7", "m8");
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                });
        try (ChatSocketClient phone = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            final JsonNode hello = phone.await("hello", WAIT);
            meanwhile.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            // Then it resumes after its cursor and gets every later message once, in order, read or live
            assertThat(hello.get("cursor").asLong()).isEqualTo(firstSeq);
            phone.await(f -> "m8".equals(f.path("text").asText()), WAIT);
            sendAll(alice, channelId, "m9");
            phone.await(f -> "m9".equals(f.path("text").asText()), WAIT);
            Thread.sleep(500);
            final List<JsonNode> messages = phone.messages();
            assertThat(messages).extracting(m -> m.get("text").asText())
                    .containsExactly("m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
            assertThat(messages).extracting(m -> m.get("seq").asLong())
                    .containsExactly(firstSeq + 1, firstSeq + 2, firstSeq + 3, firstSeq + 4, firstSeq + 5,
                            firstSeq + 6, firstSeq + 7, firstSeq + 8);
            assertThat(phone.seen().get(0).get("type").asText()).isEqualTo("hello");
        }

        // And the socket read its queue from this instance's own stores, not over HTTP to itself
        final HttpResponse<String> metrics = platform.get("/metrics", token("ops", "admin"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("route=\"/api/v1/me/sync\"")
                .doesNotContain("route=\"/internal/api/v1/me/sync\"");
    }

    @Test
    void shouldShowAndPushPresenceToContacts() throws Exception {
        // Given alice and bob share a channel, with carol in a group never seen online
        final String alice = user("alice");
        final String bob = user("bob");
        final String carol = user("carol");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final String groupId = channelIdOf(createGroup(bob, "Trio", List.of(alice, carol)));
        platform.awaitJson("/api/v1/me/channels", token(alice), me -> me.get("channels").size() == 2, WAIT);

        try (ChatSocketClient bobSocket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            bobSocket.await("hello", WAIT);

            // When alice sends a heartbeat over HTTP
            final HttpResponse<String> heartbeat = platform.post("/api/v1/me/heartbeat", token(alice), null);

            // Then she is online, in the channel's presence and on bob's socket
            assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(204);
            final JsonNode pushed = bobSocket.await(f -> "presence".equals(f.path("type").asText())
                    && alice.equals(f.path("userId").asText()), WAIT);
            assertThat(pushed.get("status").asText()).isEqualTo("online");
            final JsonNode presence = platform.awaitJson("/api/v1/channels/" + channelId + "/presence", token(bob),
                    p -> "online".equals(statusOf(p, alice)), WAIT);
            assertThat(presence.get("channelId").asText()).isEqualTo(channelId);
            final JsonNode group = JSON.readTree(platform.get("/api/v1/channels/" + groupId + "/presence",
                    token(alice)).body());
            final JsonNode never = member(group, carol);
            assertThat(never.get("status").asText()).isEqualTo("offline");
            assertThat(never.get("lastActiveAt").isNull()).isTrue();
        }
    }

    @Test
    void shouldReadOnlyThePartitionsOfItsSocketsUsersAndStillDeliverMessagesAndPresenceToThem() throws Exception {
        // Given: bob and alice on different partitions share a channel, and no socket is open on the instance
        final Partitions partitions = new Partitions(PlatformFixture.TOPIC_PARTITIONS);
        final String bob = userOn(partitions, 0, "bob");
        final String alice = userOn(partitions, 1, "alice");
        final String channelId = channelIdOf(createDirect(alice, bob));
        awaitPartitionsRead(0, 0);

        // When: only bob opens a socket
        try (ChatSocketClient bobSocket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            bobSocket.await("hello", WAIT);

            // Then: the instance reads bob's partition of each topic, not alice's nor the third
            awaitPartitionsRead(1, 1);

            // and alice's message and her presence, published on her partition, still reach him
            final String messageId = sendAll(alice, channelId, "from another partition").get(0);
            assertThat(bobSocket.await("message", WAIT).get("messageId").asText()).isEqualTo(messageId);
            final HttpResponse<String> heartbeat = platform.post("/api/v1/me/heartbeat", token(alice), null);
            assertThat(heartbeat.statusCode()).as(heartbeat.body()).isEqualTo(204);
            final JsonNode pushed = bobSocket.await(f -> "presence".equals(f.path("type").asText())
                    && alice.equals(f.path("userId").asText()), WAIT);
            assertThat(pushed.get("status").asText()).isEqualTo("online");
            assertThat(partitionsRead(HUB_USER_EVENTS)).isEqualTo(1);
        }

        // and once his socket closed, the instance stops reading his partition
        awaitPartitionsRead(0, 0);
    }

    /** A new user whose key lands on {@code partition}. */
    private static String userOn(Partitions partitions, int partition, String name) {
        String user = user(name);
        while (partitions.of(user) != partition) {
            user = user(name);
        }
        return user;
    }

    /** Waits until the hub reads this many partitions of the user events and of the in-app notifications. */
    private static void awaitPartitionsRead(int userEvents, int inapp) throws Exception {
        eventually(Duration.ofSeconds(20), Duration.ofMillis(100),
                () -> partitionsRead(HUB_USER_EVENTS) == userEvents && partitionsRead(HUB_INAPP) == inapp);
        assertThat(partitionsRead(HUB_USER_EVENTS)).as(HUB_USER_EVENTS).isEqualTo(userEvents);
        assertThat(partitionsRead(HUB_INAPP)).as(HUB_INAPP).isEqualTo(inapp);
    }

    private static double partitionsRead(String series) throws Exception {
        return platform.metrics().body().lines().filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " in the metrics"));
    }

    @Test
    void shouldRequestOnePushForARecipientWithoutASocket() throws Exception {
        // Given carol has no socket open
        final String alice = user("alice");
        final String carol = user("carol");
        final String channelId = channelIdOf(createDirect(alice, carol));

        // When alice writes to her
        final String messageId = sendAll(alice, channelId, "are you there?").get(0);

        // Then exactly one push is requested for carol, with the message's ID
        final String eventId = "chat:" + messageId;
        final JsonNode status = platform.awaitJson("/api/v1/notifications/" + eventId, token("ops", "admin"),
                s -> s.path("eventId").asText().equals(eventId), WAIT);
        assertThat(status.get("template").asText()).isEqualTo("chat-message");
        final List<NotificationRequested> requests = pushRequests(eventId);
        assertThat(requests).hasSize(1);
        assertThat(requests.get(0).getUserId()).isEqualTo(carol);
        assertThat(requests.get(0).getTemplate()).isEqualTo("chat-message");
        assertThat(requests.get(0).getParams()).containsEntry("sender", alice).containsEntry("text", "are you there?");
    }

    @Test
    void shouldDeliverInAppNotificationsToTheSocket() throws Exception {
        // Given bob is connected
        final String bob = user("bob");
        try (ChatSocketClient socket = ChatSocketClient.connect(platform.baseUrl(), token(bob), "phone")) {
            socket.await("hello", WAIT);

            // When a service notifies him in-app
            final String eventId = "follow-" + UUID.randomUUID();
            final HttpResponse<String> requested = platform.post("/api/v1/notifications", token("svc", "service"),
                    JSON.createObjectNode().put("eventId", eventId).put("userId", bob).put("template", "new-follower")
                            .<ObjectNode>set("params", JSON.createObjectNode().put("follower", "dora"))
                            .<ObjectNode>set("channels", JSON.createArrayNode().add("inapp")).toString());

            // Then the notification arrives on the socket
            assertThat(requested.statusCode()).as(requested.body()).isEqualTo(202);
            final JsonNode notification = socket.await("notification", WAIT);
            // an inbox item is named by its requester and the requester's event ID, unique per user
            assertThat(notification.get("id").asText()).isEqualTo("svc:" + eventId);
            assertThat(notification.get("template").asText()).isEqualTo("new-follower");
            assertThat(notification.get("body").asText()).contains("dora");
        }
    }

    @Test
    void shouldRefuseUnauthenticatedUpgradesWith401AndPlainRequestsWith426() throws Exception {
        final Throwable missing = failureOf(ChatSocketClient.attempt(platform.baseUrl(), "?device=x"));
        final Throwable forged = failureOf(ChatSocketClient.attempt(platform.baseUrl(), "?access_token=forged"));
        final HttpResponse<String> plain = platform.get("/ws", token(user("alice")));

        final String refusal = rawUpgrade("?device=x");
        assertThat(refusal).startsWith("HTTP/1.1 401");
        assertThat(refusal.toLowerCase(Locale.ROOT))
                .contains("content-type: application/problem+json", "www-authenticate: bearer");
        assertThat(refusal).contains("\"status\":401");
        assertThat(missing).isInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) missing).getResponse().statusCode()).isEqualTo(401);
        assertThat(((WebSocketHandshakeException) forged).getResponse().statusCode()).isEqualTo(401);
        assertThat(plain.statusCode()).isEqualTo(426);
        assertThat(plain.headers().firstValue("Content-Type")).contains("application/problem+json");
        final WebSocket viaQuery = ChatSocketClient.attempt(platform.baseUrl(),
                "?access_token=" + token(user("ok"))).get(10, TimeUnit.SECONDS);
        assertThat(viaQuery.isInputClosed()).isFalse();
        viaQuery.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldServeAThirdPartyClientBuiltOnTheNpmWsPackage(@TempDir Path output) throws Exception {
        assumeTrue(nodeAvailable(), "node is not on the PATH");
        assumeTrue(Files.isDirectory(NODE_DIR.resolve("node_modules/ws")),
                "the ws package is not installed; run `npm ci` in web/src/test/node (mvn verify does)");
        // Given
        final String alice = user("alice");
        final String bob = user("bob");
        final String channelId = channelIdOf(createDirect(alice, bob));
        final Path stdout = output.resolve("stdout.txt");
        final Path stderr = output.resolve("stderr.txt");

        // When the Node.js client connects both, sends as alice and acknowledges as bob
        final Process node = new ProcessBuilder("node", "chat-interop.mjs",
                platform.baseUrl().replaceFirst("^http", "ws") + "/ws", channelId, token(alice), token(bob),
                "node-phone", "hello from node")
                .directory(NODE_DIR.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertThat(node.waitFor(90, TimeUnit.SECONDS)).as("node finished").isTrue();
        } finally {
            node.destroyForcibly();
        }

        // Then it saw the ack and the message, and bob's device cursor moved past the message
        assertThat(node.exitValue()).as("node exit; stderr:%n%s", Files.readString(stderr)).isZero();
        final List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
            events.add(JSON.readTree(line));
        }
        assertThat(events).extracting(e -> e.get("event").asText())
                .containsExactly("hello", "hello", "ack", "message", "acknowledged");
        final JsonNode message = events.get(3);
        assertThat(message.get("messageId").asText()).isEqualTo(events.get(2).get("messageId").asText());
        assertThat(message.get("text").asText()).isEqualTo("hello from node");
        assertThat(message.get("senderId").asText()).isEqualTo(alice);
        platform.awaitJson("/api/v1/me/sync?device=node-phone", token(bob),
                sync -> sync.get("cursor").asLong() == message.get("seq").asLong(), WAIT);
    }

    // --- helpers

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String token(String user, String... roles) {
        return platform.token(user, roles);
    }

    private static HttpResponse<String> createDirect(String caller, String other) throws Exception {
        return platform.post("/api/v1/channels", token(caller), JSON.createObjectNode().put("type", "direct")
                .<ObjectNode>set("members", JSON.createArrayNode().add(other)).toString());
    }

    /** Creates a group of users who have each signed in before, as people one adds to a group have. */
    private static HttpResponse<String> createGroup(String caller, String name, List<String> members)
            throws Exception {
        signIn(members);
        return untilKnown(() -> createGroupOfAnyone(caller, name, members));
    }

    private static HttpResponse<String> createGroupOfAnyone(String caller, String name, List<String> members)
            throws Exception {
        final ObjectNode body = JSON.createObjectNode().put("type", "group").put("name", name);
        final ArrayNode array = body.putArray("members");
        members.forEach(array::add);
        return platform.post("/api/v1/channels", token(caller), body.toString());
    }

    /** One authenticated request of each user, which makes them known, a moment later, to every instance. */
    private static void signIn(List<String> users) throws Exception {
        for (String user : users) {
            final HttpResponse<String> response = platform.get("/api/v1/chat/endpoint", token(user));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        }
    }

    /** The answer to {@code request}, asked again while it names a user whose sign-in is still on its way. */
    private static HttpResponse<String> untilKnown(java.util.concurrent.Callable<HttpResponse<String>> request)
            throws Exception {
        return eventually(WAIT, Duration.ofMillis(50), request::call, response -> !isUserNotFound(response));
    }

    private static boolean isUserNotFound(HttpResponse<String> response) throws IOException {
        return response.statusCode() == 404
                && JSON.readTree(response.body()).path("type").asText().endsWith("/user-not-found");
    }

    private static String channelIdOf(HttpResponse<String> created) throws IOException {
        assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
        return JSON.readTree(created.body()).get("channelId").asText();
    }

    private static String message(String text, String clientMessageId) {
        return JSON.createObjectNode().put("text", text).put("clientMessageId", clientMessageId).toString();
    }

    /** A limit on the send route per user, in force at this instance once this returns. */
    private static void putSendLimit() throws Exception {
        final String rules = "{\"descriptors\":[{\"key\":\"endpoint\",\"value\":\"" + ChatRoutes.SEND_ENDPOINT
                + "\",\"descriptors\":[{\"key\":\"user\",\"name\":\"sends-per-user\",\"rate_limit\":{"
                + "\"unit\":\"second\",\"requests_per_unit\":20,\"algorithm\":\"token_bucket\",\"burst\":40}}]}]}";
        final String admin = token("ops", "admin");
        final HttpResponse<String> put = platform.send("PUT", "/api/v1/admin/ratelimit/rules/" + LIMITS, admin, rules);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        final String version = JSON.readTree(put.body()).get("version").asText();
        platform.awaitJson("/api/v1/admin/ratelimit/rules/" + LIMITS, admin,
                body -> body.path("version").asText().equals(version), WAIT);
    }

    private static ObjectNode send(String channelId, String text, String clientMessageId) {
        return JSON.createObjectNode().put("type", "send").put("channelId", channelId).put("text", text)
                .put("clientMessageId", clientMessageId);
    }

    /** Sends each text over HTTP and returns the message IDs. */
    private static List<String> sendAll(String sender, String channelId, String... texts) throws Exception {
        final List<String> ids = new ArrayList<>();
        for (String text : texts) {
            final HttpResponse<String> sent = platform.post("/api/v1/channels/" + channelId + "/messages",
                    token(sender), message(text, UUID.randomUUID().toString()));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
            ids.add(JSON.readTree(sent.body()).get("messageId").asText());
        }
        return ids;
    }

    private static String pointer(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return JSON.readTree(response.body()).at("/errors/0/pointer").asText();
    }

    private static List<String> names(JsonNode array) {
        final List<String> names = new ArrayList<>();
        array.forEach(node -> names.add(node.asText()));
        return names;
    }

    private static List<String> messageIds(JsonNode page) {
        final List<String> ids = new ArrayList<>();
        page.get("messages").forEach(m -> ids.add(m.get("messageId").asText()));
        return ids;
    }

    private static List<String> texts(JsonNode sync) {
        final List<String> texts = new ArrayList<>();
        sync.get("entries").forEach(e -> texts.add(e.get("text").asText()));
        return texts;
    }

    private static List<Long> seqs(JsonNode sync) {
        final List<Long> seqs = new ArrayList<>();
        sync.get("entries").forEach(e -> seqs.add(e.get("seq").asLong()));
        return seqs;
    }

    /** The unread count of {@code channelId} in a {@code /me/channels} answer; -1 when it is not listed. */
    private static int unread(JsonNode me, String channelId) {
        for (JsonNode channel : me.get("channels")) {
            if (channel.get("channelId").asText().equals(channelId)) {
                return channel.get("unread").asInt();
            }
        }
        return -1;
    }

    private static JsonNode member(JsonNode presence, String userId) {
        for (JsonNode member : presence.get("members")) {
            if (member.get("userId").asText().equals(userId)) {
                return member;
            }
        }
        throw new AssertionError(userId + " is not in " + presence);
    }

    private static String statusOf(JsonNode presence, String userId) {
        return member(presence, userId).get("status").asText();
    }

    private static Throwable failureOf(CompletableFuture<?> attempt) throws Exception {
        try {
            attempt.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the upgrade succeeded");
    }

    /** Every push request with {@code eventId} on the requests topic, read until it stays quiet. */
    private static List<NotificationRequested> pushRequests(String eventId) {
        final Map<String, Object> props = cluster.clientConfig();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final AvroSerde<NotificationRequested> serde = AvroSerde.forValue(
                new HttpSchemaRegistryClient(platform.registryUrl()), NotificationRequested.class);
        final List<NotificationRequested> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            final String topic = NotifyTopics.REQUESTS.name();
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            final long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && partitions.stream()
                    .anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final NotificationRequested request = serde.deserialize(record.topic(), record.value());
                    if (request != null && eventId.equals(request.getEventId())) {
                        found.add(request);
                    }
                }
            }
        }
        return found;
    }

    /** An upgrade request as a browser sends it, and the whole answer, read until the server closes or is done. */
    private static String rawUpgrade(String query) throws IOException {
        final URI base = URI.create(platform.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /ws" + query + " HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final ByteArrayOutputStream answer = new ByteArrayOutputStream();
            final byte[] buffer = new byte[4096];
            try {
                for (int read; (read = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, read);
                    if (answer.toString(StandardCharsets.UTF_8).contains("}")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                // what came is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static boolean nodeAvailable() {
        try {
            final Process version = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return version.waitFor(10, TimeUnit.SECONDS) && version.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
