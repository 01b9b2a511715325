package io.eventline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import io.eventline.shorturl.ShortUrlTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The live cluster view over two instances of one cluster, in this JVM on the shared broker: the assignment,
 * each instance's figures, consumer lag, dead letters, the live stream and who may read them.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpsLiveTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETTLE = Duration.ofSeconds(45);
    private static String applicationId;
    private static String bootstrapServers;
    private static PlatformFixture a;
    private static PlatformFixture b;
    private static String admin;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startTwoInstances(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        applicationId = "eventline-ops-" + UUID.randomUUID().toString().substring(0, 8);
        a = PlatformFixture.start(bootstrapServers, Map.of("EVENTLINE_APPLICATION_ID", applicationId));
        b = PlatformFixture.start(bootstrapServers, Map.of("EVENTLINE_APPLICATION_ID", applicationId));
        admin = a.token("ops", "admin");
    }

    @AfterAll
    static void stopInstances() throws Exception {
        for (PlatformFixture fixture : new PlatformFixture[] {b, a}) {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    @Test
    @Order(1)
    void shouldListBothInstancesWithEveryTaskActiveOnExactlyOneOfThem() throws Exception {
        // When: the cluster is asked through A until both instances run their share of the tasks
        final JsonNode cluster = a.awaitJson(LiveRoutes.CLUSTER_PATH, admin,
                answer -> answer.get("instances").size() == 2 && allUpAndReady(answer.get("instances"))
                        && assignedOnce(answer, snapshotTasksOf(answer)), SETTLE);

        // Then: both instances, by their URLs, each running some active tasks of the at-least-once application
        final Set<String> urls = new HashSet<>();
        cluster.get("instances").forEach(instance -> urls.add(instance.get("url").asText()));
        assertThat(urls).containsExactlyInAnyOrder(a.baseUrl(), b.baseUrl());
        assertThat(cluster.get("servedBy").asText()).isNotBlank();
        final JsonNode atLeastOnce = application(cluster, "at-least-once");
        assertThat(atLeastOnce.get("applicationId").asText()).isEqualTo(applicationId);
        final Set<String> owners = new HashSet<>();
        atLeastOnce.get("tasks").forEach(task -> owners.add(task.get("active").asText()));
        assertThat(owners).containsExactlyInAnyOrder(a.baseUrl(), b.baseUrl());
        assertThat(application(cluster, "exactly-once").get("tasks")).isNotEmpty();
        // every partition of the tests' topics is a task of its own: 0_0, 0_1, 0_2 for the first subtopology
        assertThat(atLeastOnce.get("tasks").get(0).get("taskId").asText()).isEqualTo("0_0");
        assertThat(atLeastOnce.get("tasks").get(0).get("topics")).isNotEmpty();
    }

    @Test
    @Order(2)
    void shouldMoveTheRouteFiguresAfterRequests() throws Exception {
        // Given
        final long before = routeOf(snapshotOf(a), "GET /health").path("count").asLong(0);

        // When
        for (int i = 0; i < 25; i++) {
            assertThat(a.get("/health", null).statusCode()).isEqualTo(200);
        }

        // Then: A counts them, at a rate above zero, and gives a p99
        final JsonNode snapshot = a.awaitJson(LiveRoutes.SNAPSHOT_PATH, admin, answer -> {
            final JsonNode route = routeOf(answer, "GET /health");
            return route.path("count").asLong() >= before + 25 && route.path("ratePerSec").asDouble() > 0;
        }, Duration.ofSeconds(10));
        final JsonNode route = routeOf(snapshot, "GET /health");
        assertThat(route.get("p99Ms").asDouble()).isPositive();
        final JsonNode self = instance(snapshot, a.baseUrl());
        assertThat(self.get("up").asBoolean()).isTrue();
        assertThat(self.get("version").asText()).isEqualTo("0.1.0");
        assertThat(self.get("applications").findValuesAsText("state")).contains("RUNNING");
        assertThat(self.get("stores")).isNotEmpty();
        assertThat(self.get("stores").get(0).get("entries").isIntegralNumber()).isTrue();
        assertThat(self.get("notify").findValuesAsText("channel")).contains("push", "email", "sms");
        assertThat(self.get("chat").has("presenceOnline")).isTrue();
    }

    @Test
    @Order(3)
    void shouldShowTheHostFiguresAndTheLatestWarningsOfEveryInstance() throws Exception {
        // Given: a warning logged in this process, where both instances run
        final String warning = "disk nearly full " + UUID.randomUUID();
        LoggerFactory.getLogger("io.eventline.ops.OpsLiveTest.sample").warn(warning);

        // When
        final JsonNode snapshot = a.awaitJson(LiveRoutes.SNAPSHOT_PATH, admin,
                answer -> instance(answer, b.baseUrl()) != null && instance(answer, b.baseUrl()).path("problems")
                        .path("latest").findValuesAsText("message").contains(warning), Duration.ofSeconds(10));

        // Then: B's part, read through A, carries its host figures and the warning among its latest problems
        final JsonNode other = instance(snapshot, b.baseUrl());
        assertThat(other.path("problems").path("warnings").asLong()).isPositive();
        assertThat(other.path("host").path("heapUsedBytes").asLong()).isPositive();
        assertThat(other.path("host").path("heapMaxBytes").asLong())
                .isGreaterThanOrEqualTo(other.path("host").path("heapUsedBytes").asLong());
        assertThat(other.path("host").path("dataDiskFreeBytes").asLong()).isPositive();
        assertThat(other.path("host").path("processCpu").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    @Order(4)
    void shouldShowTheLagOfTheInstancesGroupsInTheSnapshotAndInMetrics() throws Exception {
        // Given: the group committed offsets since the unreadable record of the test before was read

        // When
        final JsonNode snapshot = a.awaitJson(LiveRoutes.SNAPSHOT_PATH, admin,
                answer -> !group(answer, applicationId).path("partitions").isEmpty(), Duration.ofSeconds(15));

        // Then: its lag per partition, its members (both instances) and its history; and the same in /metrics
        assertThat(snapshot.at("/lag/windowSeconds").asInt()).isEqualTo(900);
        assertThat(snapshot.at("/lag/stepSeconds").asInt()).isEqualTo(5);
        final JsonNode group = group(snapshot, applicationId);
        assertThat(group.get("members").asInt()).isPositive();
        assertThat(group.get("history")).isNotEmpty();
        assertThat(group.get("history").get(0)).hasSize(2);
        assertThat(a.metrics().body())
                .contains("eventline_consumer_group_lag_records{group=\"" + applicationId + "\"")
                .contains("eventline_consumer_group_members{group=\"" + applicationId + "\"}");
    }

    private static JsonNode group(JsonNode snapshot, String name) {
        for (JsonNode group : snapshot.at("/lag/groups")) {
            if (group.get("group").asText().equals(name)) {
                return group;
            }
        }
        return JSON.createObjectNode();
    }

    @Test
    @Order(3)
    void shouldShowADeadLetterAfterAnUnreadableRecord() throws Exception {
        // Given
        final String topic = ShortUrlTopics.REQUESTS.name();
        final long before = snapshotOf(a).at("/deadLetters/byTopic").path(topic).asLong(0);

        // When
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers",
                bootstrapServers), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "poison-" + UUID.randomUUID(),
                    "not avro at all".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }

        // Then
        final JsonNode snapshot = a.awaitJson(LiveRoutes.SNAPSHOT_PATH, admin,
                answer -> answer.at("/deadLetters/byTopic").path(topic).asLong(0) > before, Duration.ofSeconds(20));
        assertThat(snapshot.at("/deadLetters/total").asLong()).isPositive();
        final JsonNode latest = snapshot.at("/deadLetters/latest").get(0);
        assertThat(latest.get("topic").asText()).isNotEmpty();
        assertThat(latest.get("reason").asText()).isNotBlank();
    }

    @Test
    @Order(6)
    void shouldStreamSnapshotsToAnAdminAndRefuseOthers() throws Exception {
        // When: an admin opens the live stream
        final HttpResponse<Stream<String>> stream = openLive(admin);

        // Then: a snapshot at once and another about 2 s later
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        final long started = System.nanoTime();
        final List<JsonNode> events = new ArrayList<>();
        final Iterator<String> lines = stream.body().iterator();
        String event = null;
        while (events.size() < 2 && lines.hasNext()) {
            final String line = lines.next();
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                assertThat(event).isEqualTo("snapshot");
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        final Duration took = Duration.ofNanos(System.nanoTime() - started);
        stream.body().close();
        assertThat(events).hasSize(2);
        assertThat(took).isLessThan(Duration.ofSeconds(5));
        assertThat(events.get(1).get("instances")).hasSize(2);

        // Then: no token, a user's token, and a public caller of the internal route are refused
        final HttpResponse<String> anonymous = a.get(LiveRoutes.LIVE_PATH, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(a.get(LiveRoutes.LIVE_PATH, a.token("alice")).statusCode()).isEqualTo(403);
        assertThat(a.get(LiveRoutes.CLUSTER_PATH, a.token("alice")).statusCode()).isEqualTo(403);
        assertThat(a.get(LiveRoutes.SNAPSHOT_PATH, null).statusCode()).isEqualTo(401);
        assertThat(a.get("/internal" + ClusterSnapshots.INSTANCE_PATH, admin).statusCode()).isEqualTo(401);
    }

    @Test
    @Order(5)
    void shouldCapLiveStreamsAndFreeTheirPlacesWhenClientsGo() throws Exception {
        // Given: as many streams as one instance serves
        final List<HttpResponse<Stream<String>>> open = new ArrayList<>();
        try {
            final List<CompletableFuture<HttpResponse<Stream<String>>>> opening = new ArrayList<>();
            for (int i = 0; i < LiveRoutes.MAX_LIVE_STREAMS; i++) {
                opening.add(http.sendAsync(liveRequest(admin), HttpResponse.BodyHandlers.ofLines()));
            }
            for (CompletableFuture<HttpResponse<Stream<String>>> response : opening) {
                open.add(response.get(10, TimeUnit.SECONDS));
            }
            assertThat(open).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));

            // When: one more is asked for
            final HttpResponse<String> refused = http.send(liveRequest(admin), HttpResponse.BodyHandlers.ofString());

            // Then
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        } finally {
            open.forEach(response -> response.body().close());
        }

        // When the clients went: their places free up within a beat or two
        final long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        HttpResponse<Stream<String>> again = openLive(admin);
        while (again.statusCode() == 429 && System.nanoTime() < deadline) {
            Thread.sleep(250);
            again = openLive(admin);
        }
        again.body().close();
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    @Order(7)
    void shouldShowAnInstanceThatStoppedAnsweringAsDown() throws Exception {
        // Given: B stops; the group keeps it (static membership) until its session times out
        b.close();
        final String urlB = b.baseUrl();
        b = null;

        // Then: A's snapshot shows B down, with why
        final JsonNode snapshot = a.awaitJson(LiveRoutes.SNAPSHOT_PATH, admin, answer -> {
            final JsonNode down = instance(answer, urlB);
            return down != null && !down.get("up").asBoolean();
        }, Duration.ofSeconds(10));
        final JsonNode down = instance(snapshot, urlB);
        assertThat(down.get("error").asText()).isNotBlank();
        assertThat(instance(snapshot, a.baseUrl()).get("up").asBoolean()).isTrue();
    }

    private HttpResponse<Stream<String>> openLive(String token) throws Exception {
        return http.send(liveRequest(token), HttpResponse.BodyHandlers.ofLines());
    }

    private static HttpRequest liveRequest(String token) {
        return HttpRequest.newBuilder(URI.create(a.baseUrl() + LiveRoutes.LIVE_PATH))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
    }

    private static JsonNode snapshotOf(PlatformFixture fixture) throws Exception {
        final HttpResponse<String> response = fixture.get(LiveRoutes.SNAPSHOT_PATH, admin);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode instance(JsonNode snapshot, String url) {
        for (JsonNode instance : snapshot.get("instances")) {
            if (instance.get("url").asText().equals(url)) {
                return instance;
            }
        }
        return null;
    }

    private static JsonNode routeOf(JsonNode snapshot, String route) {
        final JsonNode self = instance(snapshot, a.baseUrl());
        if (self != null) {
            for (JsonNode candidate : self.get("routes")) {
                if (candidate.get("route").asText().equals(route)) {
                    return candidate;
                }
            }
        }
        return JSON.createObjectNode();
    }

    private static JsonNode application(JsonNode cluster, String name) {
        for (JsonNode application : cluster.get("applications")) {
            if (application.get("application").asText().equals(name)) {
                return application;
            }
        }
        throw new AssertionError("no application " + name + " in " + cluster);
    }

    private static boolean allUpAndReady(JsonNode instances) {
        for (JsonNode instance : instances) {
            if (!instance.get("up").asBoolean() || !instance.get("ready").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Each instance's own threads' active tasks, by instance URL and application, as the snapshot reports them
     * (read through A, which asks B over the internal route).
     */
    private static Map<String, Set<String>> snapshotTasksOf(JsonNode ignored) {
        try {
            final JsonNode snapshot = snapshotOf(a);
            final Map<String, Set<String>> tasks = new HashMap<>();
            for (JsonNode instance : snapshot.get("instances")) {
                for (JsonNode application : instance.get("applications")) {
                    final Set<String> active = new HashSet<>();
                    application.path("activeTasks").forEach(task -> active.add(task.asText()));
                    tasks.put(instance.get("url").asText() + " " + application.get("application").asText(), active);
                }
            }
            return tasks;
        } catch (Exception e) {
            return Map.of();
        }
    }

    /**
     * True when every task of both applications is active on one instance, which runs it as its own threads
     * say, and on no other.
     */
    private static boolean assignedOnce(JsonNode cluster, Map<String, Set<String>> localTasks) {
        if (localTasks.isEmpty()) {
            return false;
        }
        for (JsonNode application : cluster.get("applications")) {
            final String name = application.get("application").asText();
            if (application.get("tasks").isEmpty()) {
                return false;
            }
            for (JsonNode task : application.get("tasks")) {
                final String id = task.get("taskId").asText();
                int runningIt = 0;
                for (String url : List.of(a.baseUrl(), b.baseUrl())) {
                    if (localTasks.getOrDefault(url + " " + name, Set.of()).contains(id)) {
                        runningIt++;
                        if (!url.equals(task.get("active").asText())) {
                            return false;
                        }
                    }
                }
                if (runningIt != 1) {
                    return false;
                }
            }
        }
        return true;
    }
}
