package io.eventline.ratelimit;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
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
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances in separate processes share each limit: concurrent clients spread over both get exactly what one
 * limit allows, under every algorithm; and a limit holds through a kill -9 and restart in the middle of its window.
 */
@Tag("integration")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RateLimitTwoInstanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DOMAIN = "shared-limits";
    private static final int LIMIT = 10;
    private static final int CLIENTS = 40;
    private static final String DECISION_TIMEOUT = "PT10S";
    private static final Duration DECIDED_DEADLINE = Duration.ofSeconds(90);
    /** One rule per algorithm, each counted under its own descriptor key; units long enough not to roll over. */
    private static final Map<String, String> RULES = new LinkedHashMap<>();

    static {
        RULES.put("token_bucket", "{\"unit\":\"hour\",\"requests_per_unit\":" + LIMIT + "}");
        RULES.put("leaking_bucket", "{\"unit\":\"hour\",\"requests_per_unit\":" + LIMIT + "}");
        RULES.put("fixed_window", "{\"unit\":\"week\",\"requests_per_unit\":" + LIMIT + "}");
        RULES.put("sliding_window_log", "{\"unit\":\"hour\",\"requests_per_unit\":" + LIMIT + "}");
        RULES.put("sliding_window_counter", "{\"unit\":\"day\",\"requests_per_unit\":" + LIMIT + "}");
    }

    @RegisterExtension
    static final EventlineProcess.LogsOnFailure LOGS = new EventlineProcess.LogsOnFailure();
    private static final JwtAuth AUTH = new JwtAuth(PlatformFixture.JWT_SECRET, Clock.systemUTC());
    private static final String SERVICE = AUTH.issue("checker", Set.of("service"), Duration.ofHours(1));
    private static final String ADMIN = AUTH.issue("ops", Set.of("admin"), Duration.ofHours(1));
    /** Started once for the class: starting two processes costs more than all the checks. */
    private static InstanceGroup instances;
    private static EventlineProcess a;
    private static EventlineProcess b;
    private static Map<String, String> envB;
    private static String ownDomain;

    @AfterAll
    static void stopProcessesAndDeleteData() throws Exception {
        if (instances != null) {
            instances.close();
        }
    }

    @BeforeAll
    static void startTwoInstances() throws Exception {
        instances = new InstanceGroup(LOGS);
        final List<Integer> ports = EventlineProcess.freePorts(4);
        final String applicationId = "eventline-limits-" + UUID.randomUUID().toString().substring(0, 8);
        final Map<String, String> envA = instances.environment("instance-a", ports.get(0), 1, applicationId);
        envA.put("EVENTLINE_KAFKA_PORT", Integer.toString(ports.get(1)));
        envA.put("EVENTLINE_REGISTRY_PORT", Integer.toString(ports.get(2)));
        // exactness is under test here, not the failure mode: give decisions time on a loaded machine
        envA.put("EVENTLINE_RATELIMIT_DECISION_TIMEOUT", DECISION_TIMEOUT);
        a = instances.start("instance-a", envA);
        envB = instances.environment("instance-b", ports.get(3), 2, applicationId);
        envB.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ports.get(1));
        envB.put("SCHEMA_REGISTRY_URL", "http://localhost:" + ports.get(2));
        envB.put("EVENTLINE_RATELIMIT_DECISION_TIMEOUT", DECISION_TIMEOUT);
        b = instances.start("instance-b", envB);
        ownDomain = envA.get("EVENTLINE_RATELIMIT_DOMAIN");
        final StringBuilder rules = new StringBuilder("{\"descriptors\":[");
        RULES.forEach((algorithm, limit) -> rules.append("{\"key\":\"").append(algorithm).append("\",\"rate_limit\":")
                .append(limit.replace("}", ",\"algorithm\":\"" + algorithm + "\"}")).append("},"));
        rules.setLength(rules.length() - 1);
        putRules(DOMAIN, rules.append("]}").toString());
    }

    private static void putRules(String domain, String body) throws Exception {
        final HttpResponse<String> put = a.send("PUT", "/api/v1/admin/ratelimit/rules/" + domain, ADMIN, body);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        // B's copy of the rules is a global store: wait until it has them too
        final String version = JSON.readTree(put.body()).get("version").asText();
        if (!eventually(Duration.ofSeconds(30), Duration.ofMillis(100), () -> {
            final HttpResponse<String> seen = b.get("/api/v1/admin/ratelimit/rules/" + domain,
                    "Authorization", "Bearer " + ADMIN);
            return seen.statusCode() == 200 && JSON.readTree(seen.body()).get("version").asText().equals(version);
        })) {
            throw new AssertionError("instance B never saw version " + version + " of " + domain);
        }
    }

    private JsonNode check(EventlineProcess on, String key, String value) throws Exception {
        final HttpResponse<String> response = on.post("/api/v1/ratelimit/check", SERVICE,
                "{\"domain\":\"" + DOMAIN + "\",\"descriptors\":[[{\"key\":\"" + key + "\",\"value\":\"" + value
                        + "\"}]]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).get("statuses").get(0);
    }

    /** Asks until the limiter itself answers rather than the rule's failure mode (it fails open meanwhile). */
    private JsonNode decided(EventlineProcess on, String key, String value) throws Exception {
        final JsonNode status = eventually(DECIDED_DEADLINE, Duration.ofMillis(500), () -> check(on, key, value),
                answer -> answer.get("decided").asBoolean());
        assertThat(status.get("decided").asBoolean()).as("decided within " + DECIDED_DEADLINE).isTrue();
        return status;
    }


    @Test
    @Order(1)
    void shouldAdmitExactlyTheLimitToConcurrentClientsOfBothInstancesUnderEveryAlgorithm() throws Exception {
        for (String algorithm : RULES.keySet()) {
            // Given: a fresh counter under this algorithm's rule
            final String value = "tenant-" + UUID.randomUUID();

            // When: 40 clients check it at once, half through each instance
            final List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                final EventlineProcess on = i % 2 == 0 ? a : b;
                calls.add(() -> check(on, algorithm, value));
            }
            final List<JsonNode> statuses = Concurrently.run(calls);

            // Then: every answer is the limiter's own, and exactly the limit is admitted
            assertThat(statuses).as(algorithm).allMatch(status -> status.get("decided").asBoolean());
            assertThat(statuses.stream().filter(status -> status.get("code").asText().equals("OK")).count())
                    .as(algorithm + ": admitted of " + CLIENTS).isEqualTo(LIMIT);
        }
    }

    @Test
    @Order(2)
    void shouldDecideEveryCheckOfABurstThroughOneInstanceExactly() throws Exception {
        // Given: twelve fresh counters, spread over both instances' partitions
        final List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tenants.add("burst-" + i + "-" + UUID.randomUUID());
        }

        // When: 25 checks of each arrive at instance B at once, so that B's checks of A's counters wait for
        // calls to A and leave several to a call
        final List<Callable<JsonNode>> calls = new ArrayList<>();
        for (int hit = 0; hit < 25; hit++) {
            tenants.forEach(tenant -> calls.add(() -> check(b, "token_bucket", tenant)));
        }
        final List<JsonNode> statuses = Concurrently.run(calls);

        // Then: every check got the limiter's own answer, and each counter admitted exactly its limit
        assertThat(statuses).allMatch(status -> status.get("decided").asBoolean());
        for (int t = 0; t < tenants.size(); t++) {
            long admitted = 0;
            for (int i = t; i < statuses.size(); i += tenants.size()) {
                admitted += statuses.get(i).get("code").asText().equals("OK") ? 1 : 0;
            }
            assertThat(admitted).as(tenants.get(t)).isEqualTo(LIMIT);
        }
    }

    @Test
    @Order(3)
    void shouldLetExactlyTheLimitOfConcurrentWritesThroughBothInstances() throws Exception {
        // Given: five profile writes per hour per user on this cluster's own endpoints
        putRules(ownDomain, "{\"descriptors\":[{\"key\":\"endpoint\",\"value\":\"PUT /api/v1/me/profile\","
                + "\"descriptors\":[{\"key\":\"user\",\"name\":\"profile-writes\",\"rate_limit\":{\"unit\":\"hour\","
                + "\"requests_per_unit\":5,\"algorithm\":\"sliding_window_log\"}}]}]}");
        final String user = AUTH.issue("writer-" + UUID.randomUUID().toString().substring(0, 8), Set.of(),
                Duration.ofHours(1));

        // When: the user sends 16 writes at once, half to each instance
        final List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            final EventlineProcess on = i % 2 == 0 ? a : b;
            final String body = "{\"displayName\":\"Writer " + i + "\"}";
            calls.add(() -> on.send("PUT", "/api/v1/me/profile", user, body).statusCode());
        }
        final List<Integer> statuses = Concurrently.run(calls);

        // Then
        assertThat(statuses.stream().filter(status -> status == 200).count()).isEqualTo(5);
        assertThat(statuses.stream().filter(status -> status == 429).count()).isEqualTo(11);
    }

    @Test
    @Order(4)
    void shouldKeepAWindowThroughAKillAndRestartOfAnInstance() throws Exception {
        // Given: six counters (spread over both instances' partitions), each used up
        final List<String> tenants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            final String tenant = "restart-" + i + "-" + UUID.randomUUID();
            tenants.add(tenant);
            for (int hit = 0; hit < LIMIT; hit++) {
                assertThat(check(a, "sliding_window_log", tenant).get("code").asText()).isEqualTo("OK");
            }
            assertThat(check(b, "sliding_window_log", tenant).get("code").asText()).isEqualTo("OVER_LIMIT");
        }

        // When: B dies without a chance to flush anything; A takes over its partitions from the changelog
        b.killHard();

        // Then: while the group still lists B, a check of a counter B decided (the assignor usually gives B some of
        // the six, though not always) is not held for the decision timeout retrying a dead owner: the refused
        // connection applies the rule's failure mode at once
        for (String tenant : tenants) {
            final long start = System.nanoTime();
            final JsonNode status = check(a, "sliding_window_log", tenant);
            final Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).as(tenant + ": " + status).isLessThan(Duration.parse(DECISION_TIMEOUT).dividedBy(2));
        }

        // Then: every counter is still used up
        for (String tenant : tenants) {
            assertThat(decided(a, "sliding_window_log", tenant).get("code").asText()).as(tenant)
                    .isEqualTo("OVER_LIMIT");
        }

        // When: B comes back on its old data directory
        b = instances.start("instance-b-again", envB);

        // Then: still used up, asked through either instance
        for (String tenant : tenants) {
            assertThat(decided(b, "sliding_window_log", tenant).get("code").asText()).as(tenant)
                    .isEqualTo("OVER_LIMIT");
        }
    }
}
