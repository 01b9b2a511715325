package io.eventline.platform;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.eventline.auth.JwtAuth;
import io.eventline.query.QueryRouter;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fully embedded instance (its own broker, registry and state) is killed with SIGKILL while a few hundred
 * notifications are on their way to an in-test SMS stand-in, and started again on the same data directory, ports
 * and instance ID. It keeps every link, alias and chat message it acknowledged; every notification still arrives, only the
 * senders' batch in flight at the kill arrives twice, and the dedupe of requests survives the kill. One process
 * life serves both checks: each start of an embedded instance takes tens of seconds.
 */
@Tag("integration")
class KillNineDurabilityTest {
    private static final String URLS = "/api/v1/urls";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NOTIFICATIONS = 300;
    private static final int KILL_AFTER = NOTIFICATIONS / 3;
    /** The senders' batch, i.e. transaction (SenderConfig.of): the documented window for a repeated call. */
    private static final int SENDER_BATCH = 50;
    private static final int REPOSTED = 20;
    private static final int CHAT_MESSAGES = 20;
    /** Each SMS call takes at least this long, so that a batch is still in flight when the process dies. */
    private static final int STAND_IN_DELAY_MS = 100;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    /**
     * A restart after kill -9 has been seen to stall more than 4 minutes in a loaded build, after it found its
     * exactly-once tasks' stores without checkpoints; Kafka's 5-minute timeouts (task.timeout.ms, the rebalance
     * timeout) bound such a stall. The durability asserted here does not depend on how long it takes, and the time
     * is printed.
     */
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(8);
    private static final String SMS_ACCOUNT = "AC00000000000000000000000000000k9";
    private static final String SMS_PATH = "/2010-04-01/Accounts/" + SMS_ACCOUNT + "/Messages.json";
    private static final Pattern TEXT = Pattern.compile("k9 (\\d+)");

    @RegisterExtension
    final EventlineProcess.LogsOnFailure logs = new EventlineProcess.LogsOnFailure();
    private final JwtAuth auth = new JwtAuth(PlatformFixture.JWT_SECRET, Clock.systemUTC());
    private final InstanceGroup instances = new InstanceGroup(logs);
    private final String phone = "+1415" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
    private WireMockServer sms;

    @BeforeEach
    void startSmsStandIn() {
        sms = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(32));
        sms.start();
        sms.stubFor(post(urlPathEqualTo(SMS_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody("{\"sid\":\"SMk9\"}")
                .withFixedDelay(STAND_IN_DELAY_MS)));
    }

    @AfterEach
    void stopProcessesAndStandIn() throws Exception {
        instances.close();
        if (sms != null) {
            sms.stop();
        }
    }

    @Test
    void shouldKeepAcknowledgedWritesAndDeliverEveryNotificationAfterSigkillRepeatingAtMostTheBatchInFlight()
            throws Exception {
        // Given: an embedded instance whose SMS provider is the stand-in, that acknowledged a link and an alias
        final Map<String, String> env = embeddedEnvironment();
        final EventlineProcess first = instances.start("before-kill", env);
        final String alice = token("alice");
        final String url = "https://example.com/durable/" + UUID.randomUUID();
        final HttpResponse<String> created = first.post(URLS, alice, link(url, null));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final String code = code(created);
        final String alias = "k9-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> aliased = first.post(URLS, alice,
                link("https://example.com/aliased/" + UUID.randomUUID(), alias));
        assertThat(aliased.statusCode()).as(aliased.body()).isEqualTo(201);
        // and a template and a user with a phone
        final String template = "k9-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> put = first.send("PUT", "/api/v1/admin/templates/" + template, admin(),
                "{\"sms\":{\"text\":\"k9 {{n}}\"}}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        final String user = "k9-user-" + UUID.randomUUID().toString().substring(0, 8);
        final HttpResponse<String> contact = awaitSettled(() -> first.send("PUT", "/api/v1/me/contact", token(user),
                "{\"phone\":\"" + phone + "\"}"));
        assertThat(contact.statusCode()).as(contact.body()).isEqualTo(200);
        final String run = UUID.randomUUID().toString().substring(0, 8);
        // and chat messages it acknowledged
        final String bob = "k9-bob-" + run;
        final HttpResponse<String> channel = first.post("/api/v1/channels", alice,
                "{\"type\":\"direct\",\"members\":[\"" + bob + "\"]}");
        assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
        final String channelId = JSON.readTree(channel.body()).get("channelId").asText();
        final List<String> messageIds = new ArrayList<>();
        for (int n = 0; n < CHAT_MESSAGES; n++) {
            final HttpResponse<String> sent = first.post("/api/v1/channels/" + channelId + "/messages", alice,
                    chatMessage(run, n));
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
            messageIds.add(JSON.readTree(sent.body()).get("messageId").asText());
        }

        // When: 300 notifications are requested, and the process is killed once about a third reached the provider
        // while alice keeps sending chat messages from a few threads
        final ChatBurst burst = new ChatBurst(first, alice, channelId, run);
        requestAll(first, user, template, run);
        eventually(DEADLINE, Duration.ofMillis(5), () -> arrivals().size() >= KILL_AFTER);
        final int atKill = arrivals().size();
        first.killHard();
        final List<Long> burstAcknowledged = burst.stop();
        // a call the dead process had sent may still be answered and logged after the stand-in's delay
        Thread.sleep(STAND_IN_DELAY_MS * 10L);
        final Set<Integer> beforeRestart = new LinkedHashSet<>(arrivals());
        System.out.printf("KillNineDurabilityTest: %d SMS had arrived when the process was killed, %d before the "
                + "restart%n", atKill, beforeRestart.size());
        assertThat(atKill).as("the kill must come while notifications are still on their way")
                .isBetween(KILL_AFTER, NOTIFICATIONS - 1);
        // after a kill the exactly-once application rebuilds its stores from their changelogs and works off its
        // backlog before the instance is ready: on a busy machine that took more than the usual two minutes
        final long restartedAt = System.nanoTime();
        final EventlineProcess restarted = instances.start("after-kill", env, RESTART_TIMEOUT);
        System.out.printf("KillNineDurabilityTest: ready %d s after the restart%n",
                Duration.ofNanos(System.nanoTime() - restartedAt).toSeconds());

        // Then: the links and the alias are still there, and posting the same link again gives the same code
        final HttpResponse<String> redirect = awaitSettled(() -> restarted.get("/" + code));
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
        assertThat(redirect.headers().firstValue("Location")).contains(url);
        final HttpResponse<String> again = awaitSettled(() -> restarted.post(URLS, alice, link(url, null)));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(code(again)).isEqualTo(code);
        final HttpResponse<String> taken = awaitSettled(() -> restarted.post(URLS, token("bob"),
                link("https://example.com/someone-else/" + UUID.randomUUID(), alias)));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(409);
        assertThat(JSON.readTree(taken.body()).get("type").asText()).endsWith("/code-taken");

        // And: the acknowledged chat messages are in the history, in order, and each once in bob's sync queue,
        // those of the burst cut by the kill too
        System.out.printf("KillNineDurabilityTest: %d chat messages of the burst were acknowledged before the "
                + "kill%n", burstAcknowledged.size());
        assertThat(burstAcknowledged).as("the kill must come during the chat burst").isNotEmpty();
        final List<Long> synced = awaitSynced(restarted, token(bob), burstAcknowledged);
        assertThat(synced).as("each message once, in the channel's order").doesNotHaveDuplicates().isSorted();
        assertThat(synced.subList(0, CHAT_MESSAGES)).isEqualTo(messageIds.stream().map(Long::parseLong).toList());
        assertThat(synced).containsAll(burstAcknowledged);
        final List<Long> stored = new ArrayList<>();
        String before = null;
        do {
            final String page = "/api/v1/channels/" + channelId + "/messages?limit=200"
                    + (before == null ? "" : "&before=" + before);
            final HttpResponse<String> history = awaitSettled(() -> restarted.get(page, "Authorization",
                    "Bearer " + token(bob)));
            assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
            final JsonNode body = JSON.readTree(history.body());
            // history pages newest first
            body.get("messages").forEach(message -> stored.add(0, message.get("messageId").asLong()));
            before = body.get("nextBefore").isNull() ? null : body.get("nextBefore").asText();
        } while (before != null);
        assertThat(stored).isEqualTo(synced);
        // and a resend of the last one is recognised, not stored again
        final HttpResponse<String> resent = awaitSettled(() -> restarted.post("/api/v1/channels/" + channelId
                + "/messages", alice, chatMessage(run, CHAT_MESSAGES - 1)));
        assertThat(resent.statusCode()).as(resent.body()).isEqualTo(200);
        assertThat(JSON.readTree(resent.body()).get("messageId").asText()).isEqualTo(messageIds.get(CHAT_MESSAGES - 1));

        // And: every notification reached the provider
        eventually(DEADLINE, Duration.ofMillis(200), () -> counts().size() >= NOTIFICATIONS);
        final Map<Integer, Integer> counts = counts();
        assertThat(counts.keySet()).as("notifications that reached the provider")
                .hasSize(NOTIFICATIONS).allMatch(n -> n >= 0 && n < NOTIFICATIONS);

        // And: the only repeats are of the batch in flight at the kill, each sent once before it and once after
        final Map<Integer, Integer> repeated = counts.entrySet().stream().filter(entry -> entry.getValue() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
        System.out.printf("KillNineDurabilityTest: %d of %d notifications arrived twice after kill -9: %s%n",
                repeated.size(), NOTIFICATIONS, repeated.keySet());
        assertThat(repeated.size()).as("repeats %s", repeated).isLessThanOrEqualTo(SENDER_BATCH);
        assertThat(repeated.values()).allMatch(count -> count == 2);
        assertThat(beforeRestart).as("every repeat's first call came before the kill")
                .containsAll(repeated.keySet());

        // When: after everything before it is committed, 20 delivered requests are posted again
        awaitSent(restarted, "k9-" + run + "-settled", user, template);
        final List<Integer> reposted = counts.keySet().stream().limit(REPOSTED).toList();
        final Map<Integer, Integer> beforeRepost = counts();
        final int callsBeforeRepost = arrivals().size();
        for (int n : reposted) {
            final HttpResponse<String> repost = restarted.post("/api/v1/notifications", service(),
                    request(eventId(run, n), user, template, n));
            assertThat(repost.statusCode()).as(repost.body()).isEqualTo(202);
        }
        // a later request for the same user is processed after them, on the same partition and in the same order
        awaitSent(restarted, "k9-" + run + "-last", user, template);

        // Then: nobody was notified again
        final Map<Integer, Integer> afterRepost = counts();
        for (int n : reposted) {
            assertThat(afterRepost.get(n)).as("calls for notification %d", n).isEqualTo(beforeRepost.get(n));
        }
        assertThat(arrivals()).as("only the later request was sent").hasSize(callsBeforeRepost + 1);
    }

    /** One embedded instance's settings: both starts use the same data directory, ports and instance ID. */
    private Map<String, String> embeddedEnvironment() throws Exception {
        final List<Integer> ports = EventlineProcess.freePorts(3);
        final Map<String, String> env = new HashMap<>(instances.environment("notify-k9", ports.get(0), 1,
                "eventline-notify-k9-" + UUID.randomUUID().toString().substring(0, 8)));
        env.put("EVENTLINE_KAFKA_PORT", ports.get(1).toString());
        env.put("EVENTLINE_REGISTRY_PORT", ports.get(2).toString());
        env.put("EVENTLINE_SMS_URL", sms.baseUrl());
        env.put("EVENTLINE_SMS_ACCOUNT_SID", SMS_ACCOUNT);
        env.put("EVENTLINE_SMS_AUTH_TOKEN", "k9-auth-token");
        env.put("EVENTLINE_SMS_FROM", "+14155550000");
        return env;
    }

    /** Posts every request from a few threads, so they are all queued before much has been sent. */
    private void requestAll(EventlineProcess process, String user, String template, String run) throws Exception {
        final ExecutorService posters = Executors.newFixedThreadPool(8);
        try {
            final List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int n = 0; n < NOTIFICATIONS; n++) {
                final int number = n;
                responses.add(posters.submit(() -> process.post("/api/v1/notifications", service(),
                        request(eventId(run, number), user, template, number))));
            }
            for (Future<HttpResponse<String>> response : responses) {
                assertThat(response.get().statusCode()).as(response.get().body()).isEqualTo(202);
            }
        } finally {
            posters.shutdownNow();
        }
    }

    /** Requests one more notification and waits until its SMS is recorded as sent. */
    private void awaitSent(EventlineProcess process, String eventId, String user, String template)
            throws Exception {
        final HttpResponse<String> accepted = process.post("/api/v1/notifications", service(),
                request(eventId, user, template, NOTIFICATIONS));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        final HttpResponse<String> status = eventually(DEADLINE, Duration.ofMillis(200),
                () -> process.get("/api/v1/notifications/" + eventId, "Authorization", "Bearer " + service()),
                KillNineDurabilityTest::isSent);
        if (!isSent(status)) {
            throw new AssertionError(eventId + " was not sent within " + DEADLINE + "; last answer: "
                    + status.statusCode() + " " + status.body());
        }
    }

    private static boolean isSent(HttpResponse<String> status) {
        if (status.statusCode() != 200) {
            return false;
        }
        try {
            final JsonNode deliveries = JSON.readTree(status.body()).get("deliveries");
            return deliveries.size() == 1 && "sent".equals(deliveries.get(0).get("status").asText());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Bob's whole sync queue's message IDs, once it holds every one of {@code expected}. */
    private static List<Long> awaitSynced(EventlineProcess process, String token, List<Long> expected)
            throws Exception {
        return eventually(DEADLINE, Duration.ofMillis(250), () -> {
            final HttpResponse<String> sync = awaitSettled(() -> process.get("/api/v1/me/sync?device=k9&after=0"
                    + "&limit=500", "Authorization", "Bearer " + token));
            assertThat(sync.statusCode()).as(sync.body()).isEqualTo(200);
            final List<Long> entries = new ArrayList<>();
            JSON.readTree(sync.body()).get("entries").forEach(entry -> entries.add(entry.get("messageId").asLong()));
            return entries;
        }, synced -> synced.containsAll(expected));
    }

    /**
     * Chat messages sent one after another from a few threads until the process dies; remembers the IDs of those
     * acknowledged with 201.
     */
    private static final class ChatBurst {
        private static final int THREADS = 4;
        private final List<Long> acknowledged = Collections.synchronizedList(new ArrayList<>());
        private final ExecutorService senders = Executors.newFixedThreadPool(THREADS);
        private volatile boolean running = true;

        ChatBurst(EventlineProcess process, String token, String channelId, String run) {
            for (int t = 0; t < THREADS; t++) {
                final int thread = t;
                senders.submit(() -> {
                    for (int n = 0; running; n++) {
                        try {
                            final HttpResponse<String> sent = process.post("/api/v1/channels/" + channelId
                                    + "/messages", token, "{\"text\":\"burst " + thread + "-" + n
                                    + "\",\"clientMessageId\":\"burst-" + run + "-" + thread + "-" + n + "\"}");
                            if (sent.statusCode() == 201) {
                                acknowledged.add(JSON.readTree(sent.body()).get("messageId").asLong());
                            }
                        } catch (Exception e) {
                            // the process is gone: what was not acknowledged may or may not have been stored
                            Thread.sleep(50);
                        }
                    }
                    return null;
                });
            }
        }

        List<Long> stop() throws InterruptedException {
            running = false;
            senders.shutdown();
            senders.awaitTermination(60, TimeUnit.SECONDS);
            return List.copyOf(acknowledged);
        }
    }

    private static String chatMessage(String run, int n) {
        return "{\"text\":\"durable " + n + "\",\"clientMessageId\":\"k9-" + run + "-" + n + "\"}";
    }

    private static String link(String url, String alias) {
        final ObjectNode body = JSON.createObjectNode().put("url", url);
        if (alias != null) {
            body.put("code", alias);
        }
        return body.toString();
    }

    private static String code(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).get("code").asText();
    }

    private static String eventId(String run, int n) {
        return "k9-" + run + "-" + n;
    }

    private static String request(String eventId, String user, String template, int n) {
        return JSON.createObjectNode().put("eventId", eventId).put("userId", user).put("template", template)
                .set("params", JSON.createObjectNode().put("n", Integer.toString(n))).toString();
    }

    /** The number in every SMS the stand-in received for this test's phone, in the order they arrived. */
    private List<Integer> arrivals() {
        return sms.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(request -> phone.equals(request.formParameter("To").firstValue()))
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(request -> {
                    final Matcher text = TEXT.matcher(request.formParameter("Body").firstValue());
                    return text.matches() ? Integer.parseInt(text.group(1)) : -1;
                })
                .toList();
    }

    /** How often each number arrived, in the order of first arrival. */
    private Map<Integer, Integer> counts() {
        final Map<Integer, Integer> counts = new LinkedHashMap<>();
        arrivals().forEach(n -> counts.merge(n, 1, Integer::sum));
        return counts;
    }

    /**
     * Repeats a request while the instance is still settling: 503 while its tasks restore or rebalance, an answer
     * marked stale while it replays what it held before the kill, 202 when a write's outcome came after the wait
     * (setting the same contact or posting the same link again is idempotent).
     */
    private static HttpResponse<String> awaitSettled(Request request) throws Exception {
        return eventually(DEADLINE, Duration.ofMillis(250), request::send,
                response -> response.statusCode() != 503 && response.statusCode() != 202
                        && response.headers().firstValue(QueryRouter.STALE_HEADER).isEmpty());
    }

    private String token(String user, String... roles) {
        return auth.issue(user, Set.of(roles), Duration.ofHours(1));
    }

    private String service() {
        return token("k9-service", "service");
    }

    private String admin() {
        return token("k9-ops", "admin");
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }
}
