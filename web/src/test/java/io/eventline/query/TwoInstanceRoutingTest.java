package io.eventline.query;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
import io.eventline.chat.ChatSocketClient;
import io.eventline.crawler.CrawlAcrossInstances;
import io.eventline.feed.FeedAcrossInstances;
import io.eventline.kv.KvAcrossInstances;
import io.eventline.platform.EventlineProcess;
import io.eventline.platform.InstanceGroup;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances in separate processes share one consumer group: reads are forwarded to the owner of the key in
 * both directions, and when the owner is killed the other instance answers from its standby replica, marked
 * stale, instead of failing. Chat sockets are served by either instance: a message sent through one reaches a
 * recipient's socket on the other. Every feed reads the same through either instance ({@link FeedAcrossInstances}).
 * The domains share one pair of instances, since starting them costs more than any one check.
 */
@Tag("integration")
class TwoInstanceRoutingTest {
    private static final String JWT_SECRET = PlatformFixture.JWT_SECRET;
    private static final String URLS = "/api/v1/urls";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** With 6 partitions split between two instances, each owns some of these with near certainty. */
    private static final int LINKS = 24;
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(45);
    /** The 15 s session timeout, the rebalance, and promoting the standby tasks to active ones. */
    private static final Duration TAKEOVER_DEADLINE = Duration.ofSeconds(45);

    @RegisterExtension
    final EventlineProcess.LogsOnFailure logs = new EventlineProcess.LogsOnFailure();
    private final JwtAuth auth = new JwtAuth(JWT_SECRET, Clock.systemUTC());
    private final InstanceGroup instances = new InstanceGroup(logs);
    private CrawlAcrossInstances crawl;

    @AfterEach
    void stopProcessesAndDeleteData() throws Exception {
        instances.close();
        if (crawl != null) {
            crawl.close();
        }
    }

    @Test
    void shouldForwardReadsToTheOwnerAndServeStaleFromTheStandbyWhenTheOwnerIsKilled() throws Exception {
        // Given: A runs the broker and registry, B joins through them; each keeps a standby of the other's tasks by default
        final List<Integer> ports = EventlineProcess.freePorts(4);
        final int httpA = ports.get(0);
        final int kafkaA = ports.get(1);
        final int registryA = ports.get(2);
        final int httpB = ports.get(3);
        final String applicationId = "eventline-routing-" + UUID.randomUUID().toString().substring(0, 8);
        crawl = new CrawlAcrossInstances(auth);
        final Map<String, String> envA = instances.environment("instance-a", httpA, 1, applicationId);
        envA.putAll(crawl.environment());
        envA.put("EVENTLINE_KAFKA_PORT", Integer.toString(kafkaA));
        envA.put("EVENTLINE_REGISTRY_PORT", Integer.toString(registryA));
        final EventlineProcess a = instances.start("instance-a", envA);
        // a crawl runs on A alone, and goes on while B joins and takes over half its keys
        crawl.start(a);
        final Map<String, String> envB = instances.environment("instance-b", httpB, 2, applicationId);
        envB.putAll(crawl.environment());
        envB.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + kafkaA);
        envB.put("SCHEMA_REGISTRY_URL", "http://localhost:" + registryA);
        // B's clients reach its sockets under a name of their own, which A must hand out for B's users
        final String socketUrlB = "ws://127.0.0.1:" + httpB + "/ws";
        envB.put("EVENTLINE_SOCKET_URL", socketUrlB);
        final EventlineProcess b = instances.start("instance-b", envB);

        final Map<String, String> urlByCode = createLinks(a, token("alice"));
        final Set<String> ownedByB = awaitBothOwnSomeAndForwardBothWays(a, b, urlByCode);
        // each instance learns its own writes' outcomes from the one partition its worker's outcomes land on
        assertOutcomesLearntFromOwnPartition(a, 1);
        assertOutcomesLearntFromOwnPartition(b, 2);
        awaitStandbyCopiesAtA(a, ownedByB, urlByCode);
        // an operator asking A for one of B's codes is told B owns it, A stands by, and the link as B holds it
        awaitKeyStoryNamesOwnersAcrossInstances(a, ownedByB.iterator().next(), urlByCode, httpA, httpB);
        // the notification application routes its reads the same way, through its own ownership metadata
        awaitNotificationStateReadThroughEither(a, b);
        // chat: sent through A, delivered to sockets on both, and each recipient's queue reads the same through both
        awaitChatDeliveredAcrossInstances(a, b);
        assertSocketEndpointsNameTheOwnersSocketUrl(a, b, "ws://localhost:" + httpA + "/ws", socketUrlB);
        // the feed: every feed reads the same through both, posts and names fetched once per owning instance
        new FeedAcrossInstances(auth).verify(a, b);
        // the crawler: the crawl fetched by both, each host's requests spaced by the delay across the cluster
        crawl.verify(a, b);
        // the key-value store: read-your-writes across instances, eventual reads from the standby
        final KvAcrossInstances kv = new KvAcrossInstances(auth);
        kv.verify(a, b);
        final HttpResponse<String> readyA = a.get("/ready");
        assertThat(readyA.statusCode()).as(readyA.body()).isEqualTo(200);

        final Set<String> absentAtB = absentCodesOwnedBy(b);

        // When: B is killed, and A is asked at once, while the group (15 s session timeout) still lists B as owner
        kv.startWriting(a, b);
        b.killHard();
        final Map<String, HttpResponse<String>> answers = new LinkedHashMap<>();
        for (String code : urlByCode.keySet()) {
            answers.put(code, a.get("/" + code));
        }
        final Map<String, HttpResponse<String>> absentAnswers = new LinkedHashMap<>();
        for (String code : absentAtB) {
            absentAnswers.put(code, a.get("/" + code));
        }

        // Then: a code B owns that its standby at A lacks may be a write the standby has yet to copy: 503, not 404
        absentAnswers.forEach((code, answer) -> {
            assertThat(answer.statusCode()).as(code + ": " + answer.body()).isEqualTo(503);
            assertThat(answer.headers().firstValue("Retry-After")).as(code).isPresent();
        });

        // Then: B's keys come from A's standby, marked stale; nothing is lost or turned into a 404
        final Set<String> stale = new TreeSet<>();
        answers.forEach((code, answer) -> {
            if (answer.statusCode() == 503) {
                assertThat(answer.headers().firstValue("Retry-After")).as(code).isPresent();
                return;
            }
            assertThat(answer.statusCode()).as(code + ": " + answer.body()).isEqualTo(302);
            assertThat(answer.headers().firstValue("Location")).as(code).contains(urlByCode.get(code));
            if (isStale(answer)) {
                stale.add(code);
            }
        });
        assertThat(stale).as("codes answered from A's standby").isNotEmpty().isSubsetOf(ownedByB);

        // Then: once the group drops B, A owns every key and answers it as current, never with a 404 meanwhile
        awaitEveryCodeAnsweredCurrentBy(a, urlByCode);
        // the key-value store kept every write acknowledged before, during and after the kill
        kv.verifyNoAcknowledgedWriteLost(a);
    }

    private static void awaitEveryCodeAnsweredCurrentBy(EventlineProcess a, Map<String, String> urlByCode)
            throws Exception {
        final Set<String> pending = new TreeSet<>(urlByCode.keySet());
        eventually(TAKEOVER_DEADLINE, Duration.ofMillis(250), () -> {
            for (String code : List.copyOf(pending)) {
                final HttpResponse<String> answer = a.get("/" + code);
                if (answer.statusCode() == 503) {
                    assertThat(answer.headers().firstValue("Retry-After")).as(code).isPresent();
                    continue;
                }
                assertThat(answer.statusCode()).as(code + ": " + answer.body()).isEqualTo(302);
                assertThat(answer.headers().firstValue("Location")).as(code).contains(urlByCode.get(code));
                if (!isStale(answer)) {
                    pending.remove(code);
                }
            }
            return pending.isEmpty();
        });
        assertThat(pending).as("codes A still did not answer as their owner after " + TAKEOVER_DEADLINE)
                .isEmpty();
    }

    /**
     * Links with generated codes, written through {@code via}: each answered at once with its outcome (never 202),
     * while the instance's outcome listeners read only the partition of its worker's outcomes.
     */
    private void assertOutcomesLearntFromOwnPartition(EventlineProcess via, int workerId) throws Exception {
        final String user = "outcomes-" + via.name() + "-" + UUID.randomUUID().toString().substring(0, 6);
        for (int i = 0; i < 3; i++) {
            final HttpResponse<String> created = via.post(URLS, token(user), JSON.createObjectNode()
                    .put("url", "https://example.com/outcomes/" + user + "/" + i).toString());
            assertThat(created.statusCode()).as(via.name() + ": " + created.body()).isEqualTo(201);
        }
        final String metrics = via.get("/metrics", "Authorization",
                "Bearer " + auth.issue("ops", Set.of("admin"), Duration.ofHours(1))).body();
        final Matcher gauge = Pattern.compile(
                "eventline_replies_partition\\{([^}]*topic=\"operations\\.outcomes\\.v1\"[^}]*)}").matcher(metrics);
        final List<String> read = new ArrayList<>();
        while (gauge.find()) {
            final Matcher partition = Pattern.compile("partition=\"(\\d+)\"").matcher(gauge.group(1));
            assertThat(partition.find()).as(gauge.group()).isTrue();
            read.add(partition.group(1));
        }
        // two listeners: the outcomes, and chat's committed outcomes
        assertThat(read).as(via.name() + " reads these partitions of the outcomes")
                .containsExactly(Integer.toString(workerId % PlatformFixture.TOPIC_PARTITIONS),
                        Integer.toString(workerId % PlatformFixture.TOPIC_PARTITIONS));
    }

    /** Custom aliases, so that every code is known before it is created. */
    private static Map<String, String> createLinks(EventlineProcess via, String token) throws Exception {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final Map<String, String> urlByCode = new LinkedHashMap<>();
        for (int i = 0; i < LINKS; i++) {
            final String code = "route-" + run + "-" + i;
            final String url = "https://example.com/routing/" + run + "/" + i;
            final String body = JSON.createObjectNode().put("url", url).put("code", code).toString();
            // posting the same link again is idempotent: 200 once the earlier attempt landed
            final HttpResponse<String> created = eventually(SETTLE_DEADLINE, Duration.ofMillis(250),
                    () -> via.post(URLS, token, body),
                    answer -> answer.statusCode() != 503 && answer.statusCode() != 202);
            assertThat(created.statusCode()).as(code + ": " + created.body()).isIn(200, 201);
            urlByCode.put(code, url);
        }
        return urlByCode;
    }

    /**
     * Waits until every code redirects correctly at both instances and has exactly one owner, and both instances
     * own some; returns B's codes. An internal request, as one instance makes of another, is answered only by
     * the key's active owner (anyone else says 503), which reveals ownership without any test-only endpoint.
     */
    private static Set<String> awaitBothOwnSomeAndForwardBothWays(EventlineProcess a, EventlineProcess b,
                                                                  Map<String, String> urlByCode) throws Exception {
        final Ownership last = eventually(SETTLE_DEADLINE, Duration.ofMillis(500),
                () -> readOwnership(a, b, urlByCode), ownership -> ownership.problem() == null);
        assertThat(last.problem()).as("the two instances did not settle on sharing the keys within "
                + SETTLE_DEADLINE).isNull();
        return last.ownedByB();
    }

    /** B's codes, or what is still wrong. */
    private record Ownership(Set<String> ownedByB, String problem) {
    }

    private static Ownership readOwnership(EventlineProcess a, EventlineProcess b, Map<String, String> urlByCode)
            throws Exception {
        final Set<String> ownedByB = new TreeSet<>();
        for (Map.Entry<String, String> link : urlByCode.entrySet()) {
            final String path = "/" + link.getKey();
            for (EventlineProcess instance : List.of(a, b)) {
                final HttpResponse<String> answer = instance.get(path);
                if (answer.statusCode() != 302
                        || !answer.headers().firstValue("Location").orElse("").equals(link.getValue())
                        || isStale(answer)) {
                    return new Ownership(ownedByB, instance.name() + " answered " + path + " with "
                            + answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
                }
            }
            final boolean atA = a.getInternal(path, null, false).statusCode() == 302;
            final boolean atB = b.getInternal(path, null, false).statusCode() == 302;
            if (atA == atB) {
                return new Ownership(ownedByB, path + (atA ? " is owned by both" : " is owned by neither"));
            }
            if (atB) {
                ownedByB.add(link.getKey());
            }
        }
        if (ownedByB.isEmpty() || ownedByB.size() == urlByCode.size()) {
            return new Ownership(ownedByB, "B owns " + ownedByB.size() + " of " + urlByCode.size() + " codes");
        }
        return new Ownership(ownedByB, null);
    }

    /**
     * Codes nobody created whose owner is {@code owner}: asked for them directly on the internal path, only the
     * owner says 404 (anyone else, 503).
     */
    private static Set<String> absentCodesOwnedBy(EventlineProcess owner) throws Exception {
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final Set<String> codes = new TreeSet<>();
        for (int i = 0; i < 40 && codes.size() < 3; i++) {
            final String code = "absent-" + run + "-" + i;
            if (owner.getInternal("/" + code, null, false).statusCode() == 404) {
                codes.add(code);
            }
        }
        assertThat(codes).as("absent codes " + owner.name() + " owns").isNotEmpty();
        return codes;
    }

    /**
     * Waits until A's standby replica holds each of B's links; asked as another instance would when it allows stale
     * answers, A answers from that replica without consulting B.
     */
    private static void awaitStandbyCopiesAtA(EventlineProcess a, Set<String> ownedByB,
                                              Map<String, String> urlByCode) throws Exception {
        final Set<String> missing = new TreeSet<>(ownedByB);
        eventually(SETTLE_DEADLINE, Duration.ofMillis(250), () -> {
            for (String code : List.copyOf(missing)) {
                final HttpResponse<String> answer = a.getInternal("/" + code, null, true);
                if (answer.statusCode() == 302 && isStale(answer)
                        && answer.headers().firstValue("Location").orElse("").equals(urlByCode.get(code))) {
                    missing.remove(code);
                }
            }
            return missing.isEmpty();
        });
        assertThat(missing).as("B's links that A's standby replica still lacks").isEmpty();
    }

    /**
     * Contact points written through A, for enough users that both instances own some, read back through B and
     * through A: the notification application's stores answer through either instance.
     */
    private void awaitKeyStoryNamesOwnersAcrossInstances(EventlineProcess a, String codeOfB,
                                                         Map<String, String> urlByCode, int httpA, int httpB)
            throws Exception {
        final String admin = "Bearer " + auth.issue("ops", Set.of("admin"), Duration.ofMinutes(5));
        final HttpResponse<String> answer = eventually(SETTLE_DEADLINE, Duration.ofMillis(200),
                () -> a.get("/api/v1/admin/keys/shorturl/" + codeOfB, "Authorization", admin),
                story -> story.statusCode() == 200 && story.body().contains("\"outcome\":\"created\"")
                        && story.body().contains("\"standbys\":[\"http"));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        final JsonNode story = JSON.readTree(answer.body());
        final JsonNode links = java.util.stream.StreamSupport.stream(story.get("owners").spliterator(), false)
                .filter(owner -> owner.get("store").asText().equals("shorturl-links-store")).findFirst().orElseThrow();
        assertThat(links.get("active").asText()).endsWith(":" + httpB);
        assertThat(links.get("standbys")).hasSize(1);
        assertThat(links.at("/standbys/0").asText()).endsWith(":" + httpA);
        // the state part is read where the key lives, at B, through its internal route
        assertThat(story.at("/state/0/store").asText()).isEqualTo("shorturl-links-store");
        assertThat(story.at("/state/0/summary").asText()).contains(urlByCode.get(codeOfB));
        assertThat(story.get("events").findValuesAsText("type")).contains("LinkCreated");
    }

    private void awaitNotificationStateReadThroughEither(EventlineProcess a, EventlineProcess b) throws Exception {
        final Map<String, String> emailByUser = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            final String user = "contact-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
            final String email = user + "@example.com";
            final HttpResponse<String> put = a.send("PUT", "/api/v1/me/contact", token(user),
                    JSON.createObjectNode().put("email", email).toString());
            // 202 when the outcome came after the write's wait; the read below waits for it
            assertThat(put.statusCode()).as(put.body()).isIn(200, 202);
            emailByUser.put(user, email);
        }
        for (Map.Entry<String, String> entry : emailByUser.entrySet()) {
            for (EventlineProcess via : List.of(b, a)) {
                final HttpResponse<String> read = eventually(SETTLE_DEADLINE, Duration.ofMillis(200),
                        () -> via.get("/api/v1/me/contact", "Authorization", "Bearer " + token(entry.getKey())),
                        answer -> answer.statusCode() == 200 && answer.body().contains(entry.getValue()));
                assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
                assertThat(JSON.readTree(read.body()).get("email").asText()).isEqualTo(entry.getValue());
            }
        }
    }

    /**
     * Direct channels from a sender to four recipients (so that, with near certainty, each instance owns some of
     * the recipients' partitions), created and written through A while each recipient's socket is open at B:
     * every recipient's socket gets its message, and its sync queue answers the same through either instance.
     */
    private void awaitChatDeliveredAcrossInstances(EventlineProcess a, EventlineProcess b) throws Exception {
        final String run = UUID.randomUUID().toString().substring(0, 6);
        final String sender = "chat-sender-" + run;
        final List<ChatSocketClient> sockets = new ArrayList<>();
        try {
            final Map<String, String> channelByRecipient = new LinkedHashMap<>();
            for (int i = 0; i < 4; i++) {
                final String recipient = "chat-recipient-" + i + "-" + run;
                final String created = settled(a, "/api/v1/channels", sender, JSON.createObjectNode()
                        .put("type", "direct").set("members", JSON.createArrayNode().add(recipient)).toString());
                channelByRecipient.put(recipient, JSON.readTree(created).get("channelId").asText());
                // sockets on both instances: the connect counter of this address is owned by one of them, and
                // the other must wait for its decision before the socket opens
                final EventlineProcess at = i % 2 == 0 ? b : a;
                final ChatSocketClient socket = ChatSocketClient.connect(at.baseUrl(), token(recipient), "phone");
                sockets.add(socket);
                socket.await("hello", SETTLE_DEADLINE);
            }
            int i = 0;
            for (Map.Entry<String, String> entry : channelByRecipient.entrySet()) {
                final String text = "across instances " + run;
                final String sent = settled(a, "/api/v1/channels/" + entry.getValue() + "/messages", sender,
                        JSON.createObjectNode().put("text", text).put("clientMessageId", "across-" + run).toString());
                final String messageId = JSON.readTree(sent).get("messageId").asText();
                final JsonNode delivered = sockets.get(i++).await(frame -> "message".equals(
                        frame.path("type").asText()) && messageId.equals(frame.path("messageId").asText()),
                        SETTLE_DEADLINE);
                assertThat(delivered.get("text").asText()).isEqualTo(text);
                final String path = "/api/v1/me/sync?device=tablet";
                final String auth = "Bearer " + token(entry.getKey());
                final HttpResponse<String> viaA = answered(a, path, auth);
                final HttpResponse<String> viaB = answered(b, path, auth);
                assertThat(viaA.statusCode()).as(viaA.body()).isEqualTo(200);
                assertThat(viaB.statusCode()).as(viaB.body()).isEqualTo(200);
                assertThat(JSON.readTree(viaA.body())).isEqualTo(JSON.readTree(viaB.body()));
                assertThat(JSON.readTree(viaA.body()).at("/entries/0/messageId").asText()).isEqualTo(messageId);
                // the entry points at the channel's history, wherever that lives; the answer carries the text
                assertThat(JSON.readTree(viaA.body()).at("/entries/0/text").asText()).isEqualTo(text);
            }
        } finally {
            for (ChatSocketClient socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * Both instances name the same socket URL for a user: the public one of the instance that owns the user, A's
     * derived from its address, B's as set; never B's internal address.
     */
    private void assertSocketEndpointsNameTheOwnersSocketUrl(EventlineProcess a, EventlineProcess b, String urlA,
                                                             String urlB) throws Exception {
        final Set<String> named = new TreeSet<>();
        for (int i = 0; i < 16; i++) {
            final String authorization = "Bearer " + token("endpoint-" + i + "-" + UUID.randomUUID());
            final HttpResponse<String> viaA = answered(a, "/api/v1/chat/endpoint", authorization);
            final HttpResponse<String> viaB = answered(b, "/api/v1/chat/endpoint", authorization);
            assertThat(viaA.statusCode()).as(viaA.body()).isEqualTo(200);
            assertThat(viaB.statusCode()).as(viaB.body()).isEqualTo(200);
            final String url = JSON.readTree(viaA.body()).get("url").asText();
            assertThat(JSON.readTree(viaB.body()).get("url").asText()).isEqualTo(url);
            named.add(url);
        }
        assertThat(named).as("socket URLs named for 16 users").containsExactlyInAnyOrder(urlA, urlB);
    }

    /** GETs {@code path} until it is answered other than 503 (ownership still being decided). */
    private static HttpResponse<String> answered(EventlineProcess via, String path, String authorization)
            throws Exception {
        return eventually(SETTLE_DEADLINE, Duration.ofMillis(250),
                () -> via.get(path, "Authorization", authorization), answer -> answer.statusCode() != 503);
    }

    /**
     * POSTs {@code body} until it is answered 200 or 201 and returns that answer's body: a 202 (the outcome came
     * after the wait) or 503 (the chat application still rebalancing) is retried, which these writes allow
     * (a direct channel is found again, a message with the same clientMessageId is stored once).
     */
    private String settled(EventlineProcess via, String path, String user, String body) throws Exception {
        final HttpResponse<String> answer = eventually(SETTLE_DEADLINE, Duration.ofMillis(250),
                () -> via.post(path, token(user), body),
                response -> response.statusCode() != 202 && response.statusCode() != 503);
        assertThat(answer.statusCode()).as(path + ": " + answer.body()).isIn(200, 201);
        return answer.body();
    }

    private static boolean isStale(HttpResponse<String> answer) {
        return answer.headers().firstValue(QueryRouter.STALE_HEADER).map("true"::equalsIgnoreCase).orElse(false);
    }

    private String token(String user) {
        return auth.issue(user, Set.of(), Duration.ofHours(1));
    }
}
