package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a rule's failure mode does when no decision arrives in time. A decision timeout of 1 ms, which no round
 * trip through the stream can meet, stands in for a limiter whose state is unavailable, e.g. during a rebalance.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class RateLimitFailureModeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHECK = "/api/v1/ratelimit/check";
    private static final String RULES = "/api/v1/admin/ratelimit/rules/";
    private static final String PROFILE = "/api/v1/me/profile";

    private static PlatformFixture platform;
    /** The domain under which the platform limits its own endpoints. */
    private static String ownDomain;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        ownDomain = unique("failmode");
        // no decision may wait to be logged: every check meets a log that lags, as when the broker is slow
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of(
                "EVENTLINE_RATELIMIT_MAX_UNLOGGED_HITS", "0",
                "EVENTLINE_RATELIMIT_DECISION_TIMEOUT", "PT0.001S",
                "EVENTLINE_RATELIMIT_DOMAIN", ownDomain));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    // ---- steps ----

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static void putRules(String domain, String rules) throws Exception {
        final HttpResponse<String> put = platform.put(RULES + domain, platform.token("ops", "admin"), rules);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    private static JsonNode check(String domain, String key, String value) throws Exception {
        final HttpResponse<String> response = platform.post(CHECK, platform.token("billing", "service"),
                "{\"domain\":\"" + domain + "\",\"descriptors\":[[{\"key\":\"" + key + "\",\"value\":\"" + value
                        + "\"}]]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** One rule per hour for each user writing their profile, failing {@code failureMode}. */
    private static String profileRule(String failureMode) {
        return "{\"descriptors\":[{\"key\":\"endpoint\",\"value\":\"PUT " + PROFILE + "\",\"descriptors\":["
                + "{\"key\":\"user\",\"name\":\"profile-writes\",\"failure_mode\":\"" + failureMode + "\","
                + "\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":1}}]}]}";
    }

    private static HttpResponse<String> writeProfile(String user) throws Exception {
        return platform.put(PROFILE, platform.token(user), "{\"displayName\":\"" + user + "\"}");
    }

    // ---- behaviour ----

    @Test
    void shouldAnswerTheCheckApiByEachRulesFailureModeWhenTheLimiterCannotDecide() throws Exception {
        // Given: two rules of one per hour, one failing open and one failing closed
        final String domain = unique("failure");
        putRules(domain, "{\"descriptors\":["
                + "{\"key\":\"tenant\",\"name\":\"lenient\",\"failure_mode\":\"open\","
                + "\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":1}},"
                + "{\"key\":\"account\",\"name\":\"strict\",\"failure_mode\":\"closed\","
                + "\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":1}}]}");

        // When: three checks under the open rule, one under the closed rule
        final List<JsonNode> open = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            open.add(check(domain, "tenant", "t1"));
        }
        final JsonNode closed = check(domain, "account", "a1");

        // Then: the open rule admits every one, beyond its limit, for want of a decision
        assertThat(open).extracting(answer -> answer.get("overallCode").asText()).containsOnly("OK");
        assertThat(open).extracting(answer -> answer.get("statuses").get(0)).allSatisfy(status -> {
            assertThat(status.get("code").asText()).isEqualTo("OK");
            assertThat(status.get("decided").asBoolean()).isFalse();
            assertThat(status.get("decided").isBoolean()).isTrue();
            assertThat(status.get("limit").get("name").asText()).isEqualTo("lenient");
            assertThat(status.get("retryAfterSeconds").asLong()).isZero();
        });
        // And: the closed rule refuses its very first request, and says to retry
        assertThat(closed.get("overallCode").asText()).isEqualTo("OVER_LIMIT");
        final JsonNode refused = closed.get("statuses").get(0);
        assertThat(refused.get("code").asText()).isEqualTo("OVER_LIMIT");
        assertThat(refused.get("decided").isBoolean()).isTrue();
        assertThat(refused.get("decided").asBoolean()).isFalse();
        assertThat(refused.get("limit").get("name").asText()).isEqualTo("strict");
        assertThat(refused.get("retryAfterSeconds").asLong()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAGuardedRouteWith503WhenItsRuleFailsClosedAndAdmitItWhenItFailsOpen() throws Exception {
        // Given: the profile write limited per user, failing closed
        putRules(ownDomain, profileRule("closed"));

        // When
        final HttpResponse<String> refused = writeProfile(unique("alice"));

        // Then: not a 429 (nobody is over a limit) but a 503 saying to come back shortly
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        final JsonNode problem = JSON.readTree(refused.body());
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("type").asText()).endsWith("/unavailable");
        assertThat(problem.get("detail").asText()).contains("profile-writes");

        // Given: the same rule, failing open
        putRules(ownDomain, profileRule("open"));
        final String bob = unique("bob");

        // When: bob writes twice, once more than the rule allows
        final HttpResponse<String> first = writeProfile(bob);
        final HttpResponse<String> second = writeProfile(bob);

        // Then: both are written, with no counts that the limiter could not give
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(JSON.readTree(first.body()).get("displayName").asText()).isEqualTo(bob);
        assertThat(first.headers().firstValue("X-Ratelimit-Remaining")).isEmpty();
        assertThat(first.headers().firstValue("RateLimit")).isEmpty();
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    }
}
