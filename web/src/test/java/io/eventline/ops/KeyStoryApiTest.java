package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import io.eventline.shorturl.ShortUrlTopics;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One key's story through a running instance: what was just written through the public API shows up among the
 * key's events with its outcome (a post, a 429'd post with the rule that refused it, a short link, a chat message
 * and where it sits in its recipient's sync queue, a notification not sent and why, a record no stream could read),
 * owned by this instance.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class KeyStoryApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEYS = "/api/v1/admin/keys/";
    /** The domain this instance's own routes are limited under; only the rule this test puts. */
    private static final String LIMITS = "keys-" + UUID.randomUUID().toString().substring(0, 8);
    private static PlatformFixture platform;
    private static String bootstrapServers;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("EVENTLINE_AWAIT_TIMEOUT_MS", "20000",
                "EVENTLINE_RATELIMIT_DOMAIN", LIMITS, "EVENTLINE_RATELIMIT_DECISION_TIMEOUT", "PT10S"));
        // two posts per user an hour: a user's third post is refused
        final HttpResponse<String> rules = platform.put("/api/v1/admin/ratelimit/rules/" + LIMITS, admin(),
                "{\"descriptors\":[{\"key\":\"endpoint\",\"value\":\"POST /api/v1/posts\",\"descriptors\":[{\"key\":"
                        + "\"user\",\"name\":\"two-posts-an-hour\",\"rate_limit\":{\"unit\":\"hour\","
                        + "\"requests_per_unit\":2}}]}]}");
        assertThat(rules.statusCode()).as(rules.body()).isEqualTo(200);
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    // ---- steps ----

    private static String admin() {
        return platform.token("ops", "admin");
    }

    private static String user(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String path(String kind, String key) {
        return KEYS + kind + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The key's story once {@code done} holds for it. */
    private static JsonNode story(String kind, String key, Predicate<JsonNode> done) throws Exception {
        return platform.awaitJson(path(kind, key), admin(), done, WAIT);
    }

    private static Predicate<JsonNode> hasEvent(String type, String outcomeStart) {
        return story -> event(story, type, outcomeStart) != null;
    }

    private static JsonNode event(JsonNode story, String type, String outcomeStart) {
        return StreamSupport.stream(story.get("events").spliterator(), false)
                .filter(e -> e.get("type").asText().equals(type) && e.get("outcome").asText().startsWith(outcomeStart))
                .findFirst().orElse(null);
    }

    /** The counter's logged checks in the story, newest first. */
    private static List<JsonNode> checks(JsonNode story) {
        return StreamSupport.stream(story.get("events").spliterator(), false)
                .filter(e -> e.get("type").asText().equals("RateLimitCheckRequested")).toList();
    }

    private static JsonNode owner(JsonNode story, String store) {
        return StreamSupport.stream(story.get("owners").spliterator(), false)
                .filter(o -> o.get("store").asText().equals(store)).findFirst().orElseThrow();
    }

    private static String state(JsonNode story, String store) {
        return StreamSupport.stream(story.get("state").spliterator(), false)
                .filter(s -> s.get("store").asText().equals(store)).map(s -> s.get("summary").asText())
                .findFirst().orElse("");
    }

    private static void assertOwnedHere(JsonNode owner) {
        assertThat(owner.get("partition").asInt()).isBetween(0, PlatformFixture.TOPIC_PARTITIONS - 1);
        assertThat(owner.get("active").asText()).startsWith("http://").endsWith(":" + portOf(platform.baseUrl()));
        assertThat(owner.get("standbys")).isEmpty();
    }

    private static String portOf(String url) {
        return url.substring(url.lastIndexOf(':') + 1);
    }

    // ---- behaviour ----

    @Test
    void shouldShowAUsersPostsAndTheRefusedThirdPostWithTheRuleThatLimitedIt() throws Exception {
        // Given: a user who may post twice an hour
        final String alice = user("alice");

        // When: she posts three times
        final HttpResponse<String> first = platform.post("/api/v1/posts", platform.token(alice),
                "{\"text\":\"hello from the key story\"}");
        final HttpResponse<String> second = platform.post("/api/v1/posts", platform.token(alice),
                "{\"text\":\"and again\"}");
        final HttpResponse<String> third = platform.post("/api/v1/posts", platform.token(alice),
                "{\"text\":\"one too many\"}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(third.statusCode()).as(third.body()).isEqualTo(429);

        // Then: her story shows the posts published and the third refused by the rule, and who owns her
        final JsonNode story = story("user", alice, hasEvent("PostPublished", "published")
                .and(hasEvent("RateLimitRejected", "limited")));
        assertThat(story.get("kind").asText()).isEqualTo("user");
        assertThat(story.get("key").asText()).isEqualTo(alice);
        assertThat(story.get("events").findValuesAsText("summary"))
                .anyMatch(summary -> summary.contains("hello from the key story"))
                .anyMatch(summary -> summary.contains("and again"))
                .noneMatch(summary -> summary.contains("one too many"));
        final JsonNode rejected = event(story, "RateLimitRejected", "limited");
        assertThat(rejected.get("summary").asText()).contains("two-posts-an-hour", "2 per hour");
        assertThat(rejected.get("topic").asText()).isEqualTo("ratelimit.rejections.v1");
        assertThat(rejected.at("/event/rule").asText()).isEqualTo("two-posts-an-hour");
        assertOwnedHere(owner(story, "feed-store"));
        assertThat(owner(story, "feed-store").get("application").asText()).isEqualTo("at-least-once");
        assertOwnedHere(owner(story, "chat-sync-store"));
        assertThat(owner(story, "chat-sync-store").get("application").asText()).isEqualTo("exactly-once");

        // And: the counter's own story, asked by its descriptor, shows each decision and what remained after it
        final String descriptor = LIMITS + ":endpoint=POST /api/v1/posts,user=" + alice;
        final JsonNode counter = story("ratelimit", descriptor, answer -> checks(answer).size() == 3
                && event(answer, "RateLimitRejected", "limited") != null);
        assertThat(checks(counter).stream().map(check -> check.get("outcome").asText()))
                .containsExactly("limited", "allowed", "allowed");
        assertThat(checks(counter).stream().map(check -> check.get("summary").asText())).satisfiesExactly(
                limited -> assertThat(limited).contains("limited by two-posts-an-hour (2 per hour)", "remaining 0"),
                allowed -> assertThat(allowed).contains("allowed by two-posts-an-hour", "remaining 0"),
                allowed -> assertThat(allowed).contains("allowed by two-posts-an-hour", "remaining 1"));
        assertOwnedHere(owner(counter, "ratelimit-state-store"));
        assertThat(state(counter, "ratelimit-state-store")).contains("two-posts-an-hour", "0 remaining now");
        // the same counter without its domain is this instance's own
        assertThat(story("ratelimit", "endpoint=POST /api/v1/posts,user=" + alice,
                hasEvent("RateLimitCheckRequested", "limited")).get("events")).isNotEmpty();
    }

    @Test
    void shouldShowAShortLinkAndAChatMessageInItsRecipientsSyncQueue() throws Exception {
        // Given
        final String carol = user("carol");
        final String dave = user("dave");

        // When: carol makes a short link, opens a channel with dave and sends him a message
        final HttpResponse<String> link = platform.post("/api/v1/urls", platform.token(carol),
                "{\"url\":\"https://example.com/key-story\"}");
        assertThat(link.statusCode()).as(link.body()).isEqualTo(201);
        final String code = JSON.readTree(link.body()).get("code").asText();
        final HttpResponse<String> channel = platform.post("/api/v1/channels", platform.token(carol),
                "{\"type\":\"direct\",\"members\":[\"" + dave + "\"]}");
        assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
        final String channelId = JSON.readTree(channel.body()).get("channelId").asText();
        final HttpResponse<String> sent = platform.post("/api/v1/channels/" + channelId + "/messages",
                platform.token(carol), "{\"text\":\"see you at noon\",\"clientMessageId\":\"m-1\"}");
        assertThat(sent.statusCode()).as(sent.body()).isIn(200, 201);

        // Then: the code's story shows the link created and where it points
        final JsonNode codeStory = story("shorturl", code, hasEvent("LinkCreated", "created"));
        assertThat(event(codeStory, "LinkCreated", "created").get("summary").asText())
                .contains("https://example.com/key-story", carol);
        assertThat(state(codeStory, "shorturl-links-store")).contains("https://example.com/key-story");
        assertOwnedHere(owner(codeStory, "shorturl-links-store"));

        // And: the channel's story shows the message sent, and its members
        final JsonNode channelStory = story("channel", channelId, hasEvent("ChatMessageSent", "sent"));
        assertThat(event(channelStory, "ChatMessageSent", "sent").get("summary").asText())
                .contains("m-1", carol, "see you at noon");
        assertThat(state(channelStory, "chat-channels-store")).contains("2 member(s)", dave);
        assertOwnedHere(owner(channelStory, "chat-channels-store"));

        // And: dave's story shows the message queued for him and where it sits in his sync queue
        final JsonNode daveStory = story("user", dave, hasEvent("ChatUserEvent", "queued")
                .and(s -> state(s, "chat-sync-store").contains("of channel " + channelId)));
        assertThat(event(daveStory, "ChatUserEvent", "queued").get("summary").asText())
                .contains("channel " + channelId, dave + "'s sync queue");
        assertThat(state(daveStory, "chat-sync-store")).contains(dave + "'s sync queue holds", "(1 of ");
    }

    @Test
    void shouldShowWhyANotificationWasNotSent() throws Exception {
        // Given: an e-mail template, and a user with no e-mail address
        final String template = "key-story-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> put = platform.put("/api/v1/admin/templates/" + template, admin(),
                "{\"email\":{\"subject\":\"Hi\",\"body\":\"Hello\"}}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        final String erin = user("erin");

        // When: a service asks to notify her
        final String eventId = "order-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> accepted = platform.post("/api/v1/notifications",
                platform.token("billing", "service"), "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + erin
                        + "\",\"template\":\"" + template + "\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);

        // Then: her story shows the request and the e-mail skipped for want of an address, and her recipient state
        final JsonNode story = story("user", erin, hasEvent("NotificationRequested", "requested")
                .and(hasEvent("DeliveryStatusChanged", "skipped")));
        final JsonNode skipped = event(story, "DeliveryStatusChanged", "skipped");
        assertThat(skipped.get("outcome").asText()).isEqualTo("skipped: no_contact");
        assertThat(skipped.get("summary").asText()).contains(eventId, "email");
        assertThat(state(story, "notify-recipients-store")).contains("no devices");
        assertOwnedHere(owner(story, "notify-recipients-store"));
    }

    @Test
    void shouldShowARecordNoStreamCouldReadAsDeadLetteredWithTheReason() throws Exception {
        // Given
        final String frank = user("frank");

        // When: something that is no event is produced to a topic under his user ID
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(ShortUrlTopics.REQUESTS.name(), frank,
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get();
        }

        // Then: his story shows it dead-lettered, where it came from and why
        final JsonNode story = story("user", frank, hasEvent("unreadable record", "dead-lettered"));
        final JsonNode dead = event(story, "unreadable record", "dead-lettered");
        assertThat(dead.get("topic").asText()).isEqualTo("eventline.dead-letters.v1");
        assertThat(dead.at("/event/topic").asText()).isEqualTo(ShortUrlTopics.REQUESTS.name());
        assertThat(dead.at("/event/value").asText()).contains("15 bytes");
        assertThat(dead.get("outcome").asText()).isNotEqualTo("dead-lettered: no reason given");
    }

    @Test
    void shouldRefuseCallersWhoAreNotAdminsUnknownKindsAndBadKeysWithProblems() throws Exception {
        // When
        final HttpResponse<String> anonymous = platform.get(path("user", "alice"), null);
        final HttpResponse<String> notAdmin = platform.get(path("user", "alice"), platform.token("alice"));
        final HttpResponse<String> unknownKind = platform.get(KEYS + "planet/mars", admin());
        final HttpResponse<String> control = platform.get(KEYS + "user/al%01ice", admin());
        final HttpResponse<String> tooLong = platform.get(path("channel", "c".repeat(600)), admin());
        final HttpResponse<String> notADescriptor = platform.get(path("ratelimit", "no-pairs-here"), admin());

        // Then
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        assertThat(unknownKind.statusCode()).isEqualTo(404);
        assertThat(unknownKind.body()).contains("planet");
        assertThat(control.statusCode()).isEqualTo(400);
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(notADescriptor.statusCode()).isEqualTo(400);
        for (HttpResponse<String> answer : new HttpResponse[]{anonymous, notAdmin, unknownKind, control, tooLong,
                notADescriptor}) {
            assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
    }
}
