package io.eventline.ratelimit;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class RateLimitApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHECK = "/api/v1/ratelimit/check";
    private static final String RULES = "/api/v1/admin/ratelimit/rules/";
    private static final String DECISION_TIMEOUT = "PT10S";
    /** Limits its own endpoints under the default domain, whose rules are the seeded defaults. */
    private static PlatformFixture platform;
    /** Limits under its own domain and believes X-Forwarded-For from the loopback address. */
    private static PlatformFixture behindProxy;
    private static String proxiedDomain;

    @BeforeAll
    static void startPlatforms(KafkaCluster kafka) throws Exception {
        // decisions, not the failure mode (tested on its own), must answer here, also on a loaded machine
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("EVENTLINE_RATELIMIT_DOMAIN", "eventline",
                "EVENTLINE_RATELIMIT_DECISION_TIMEOUT", DECISION_TIMEOUT));
        proxiedDomain = "proxied-" + UUID.randomUUID().toString().substring(0, 8);
        behindProxy = PlatformFixture.start(kafka.bootstrapServers(), Map.of(
                "EVENTLINE_RATELIMIT_DOMAIN", proxiedDomain,
                "EVENTLINE_RATELIMIT_DECISION_TIMEOUT", DECISION_TIMEOUT,
                "EVENTLINE_TRUSTED_PROXIES", "127.0.0.1,::1"));
        // the second instance's own endpoints: two redirects per hour per address, and profile writes through a
        // leaking bucket that releases one every 500 ms from a queue of three
        putRules(behindProxy, proxiedDomain, "{\"descriptors\":["
                + "{\"key\":\"endpoint\",\"value\":\"GET /{code}\",\"descriptors\":[{\"key\":\"ip\","
                + "\"name\":\"redirects\",\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":2}}]},"
                + "{\"key\":\"endpoint\",\"value\":\"PUT /api/v1/me/profile\",\"descriptors\":[{\"key\":\"user\","
                + "\"name\":\"profile-queue\",\"rate_limit\":{\"unit\":\"second\",\"requests_per_unit\":2,"
                + "\"burst\":3,\"algorithm\":\"leaking_bucket\"}}]}]}");
    }

    @AfterAll
    static void stopPlatforms() throws Exception {
        for (PlatformFixture fixture : new PlatformFixture[]{platform, behindProxy}) {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    // ---- steps ----

    private static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String admin() {
        return platform.token("ops", "admin");
    }

    private static String service() {
        return platform.token("billing", "service");
    }

    private static String checkBody(String domain, String key, String value) {
        return "{\"domain\":\"" + domain + "\",\"descriptors\":[[{\"key\":\"" + key + "\",\"value\":\"" + value
                + "\"}]]}";
    }

    private static JsonNode check(String domain, String key, String value) throws Exception {
        final HttpResponse<String> response = platform.post(CHECK, service(), checkBody(domain, key, value));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        final JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("statuses").findValuesAsText("decided")).as(answer.toString()).doesNotContain("false");
        return answer;
    }

    private static void putRules(PlatformFixture on, String domain, String yamlishJson) throws Exception {
        final HttpResponse<String> put = on.put(RULES + domain, admin(), yamlishJson);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    private static String oneRule(String key, String name, String limit) {
        return "{\"descriptors\":[{\"key\":\"" + key + "\",\"name\":\"" + name + "\",\"rate_limit\":" + limit + "}]}";
    }


    // ---- behaviour ----

    @Test
    void shouldRejectThirdPostWithinOneSecondWith429AndTheRateLimitHeaders() throws Exception {
        // Given: the default rule, at most 2 posts per second per user
        final String alice = platform.token(unique("alice"));
        final String post = "{\"text\":\"hello\"}";

        // When: alice sends three posts at once, and bob one
        final List<HttpResponse<String>> responses = Concurrently.run(List.of(
                () -> platform.post("/api/v1/posts", alice, post),
                () -> platform.post("/api/v1/posts", alice, post),
                () -> platform.post("/api/v1/posts", alice, post)));
        final HttpResponse<String> bob = platform.post("/api/v1/posts", platform.token(unique("bob")), post);

        // Then: exactly two are stored; the third is refused with the book's and the IETF draft's fields
        assertThat(responses).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(201, 201, 429);
        final HttpResponse<String> refused = responses.stream().filter(r -> r.statusCode() == 429).findFirst()
                .orElseThrow();
        assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(refused.body()).get("type").asText()).endsWith("/rate-limited");
        assertThat(refused.headers().firstValue("X-Ratelimit-Limit")).contains("2");
        assertThat(refused.headers().firstValue("X-Ratelimit-Remaining")).contains("0");
        assertThat(refused.headers().firstValue("X-Ratelimit-Retry-After")).contains("1");
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.headers().firstValue("RateLimit-Policy")).contains("\"posts-per-user\";q=2;w=1");
        assertThat(refused.headers().firstValue("RateLimit")).hasValueSatisfying(
                value -> assertThat(value).matches("\"posts-per-user\";r=0;t=1"));
        final List<String> remaining = responses.stream().filter(r -> r.statusCode() == 201)
                .map(r -> r.headers().firstValue("X-Ratelimit-Remaining").orElse("absent")).toList();
        assertThat(remaining).containsExactlyInAnyOrder("1", "0");
        assertThat(bob.statusCode()).isEqualTo(201);
        assertThat(bob.headers().firstValue("X-Ratelimit-Remaining")).contains("1");

        // And: after the advertised wait, alice may post again
        Thread.sleep(1_000L * Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()));
        assertThat(platform.post("/api/v1/posts", alice, post).statusCode()).isEqualTo(201);
    }

    @Test
    void shouldAnswerTheCheckApiLikeEnvoysRateLimitService() throws Exception {
        // Given: the default rule of domain rewards, 5 claims per device per week
        final String device = unique("device");

        // When: six claims
        final List<JsonNode> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            answers.add(check("rewards", "device", device));
        }

        // Then: five are OK, counting down, the sixth is over the limit
        assertThat(answers).extracting(a -> a.get("overallCode").asText())
                .containsExactly("OK", "OK", "OK", "OK", "OK", "OVER_LIMIT");
        assertThat(answers).extracting(a -> a.get("statuses").get(0).get("remaining").asLong())
                .containsExactly(4L, 3L, 2L, 1L, 0L, 0L);
        final JsonNode status = answers.get(5).get("statuses").get(0);
        assertThat(status.get("code").asText()).isEqualTo("OVER_LIMIT");
        assertThat(status.get("limit").get("name").asText()).isEqualTo("rewards-per-device");
        assertThat(status.get("limit").get("requestsPerUnit").asLong()).isEqualTo(5);
        assertThat(status.get("limit").get("unit").asText()).isEqualTo("WEEK");
        assertThat(status.get("resetSeconds").asLong()).isBetween(1L, 7L * 24 * 3600);
        assertThat(status.get("retryAfterSeconds").asLong()).isPositive();
    }

    @Test
    void shouldAnswerEachDescriptorAndOkOnesNoRuleCovers() throws Exception {
        final String ip = "198.51.100." + (int) (Math.random() * 200 + 1) + "-" + unique("x");
        final HttpResponse<String> response = platform.post(CHECK, service(), "{\"domain\":\"accounts\","
                + "\"descriptors\":[[{\"key\":\"ip\",\"value\":\"" + ip + "\"}],[{\"key\":\"colour\",\"value\":\"red\"}]],"
                + "\"hits\":10}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        final JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.get("overallCode").asText()).isEqualTo("OK");
        assertThat(answer.get("statuses").get(0).get("remaining").asLong()).isZero();
        assertThat(answer.get("statuses").get(1).get("limit").isNull()).isTrue();
        assertThat(check("accounts", "ip", ip).get("overallCode").asText()).isEqualTo("OVER_LIMIT");
    }

    @Test
    void shouldCountARetriedRequestIdOnce() throws Exception {
        final String device = unique("device");
        final String body = "{\"domain\":\"rewards\",\"requestId\":\"claim-1\",\"descriptors\":[[{\"key\":\"device\","
                + "\"value\":\"" + device + "\"}]]}";

        final JsonNode first = JSON.readTree(platform.post(CHECK, service(), body).body());
        final JsonNode retried = JSON.readTree(platform.post(CHECK, service(), body).body());
        final JsonNode next = check("rewards", "device", device);

        assertThat(first.get("statuses").get(0).get("remaining").asLong()).isEqualTo(4);
        assertThat(retried).isEqualTo(first);
        assertThat(next.get("statuses").get(0).get("remaining").asLong()).isEqualTo(3);
    }

    @Test
    void shouldRefuseTheCheckApiToPlainUsersAndBadBodies() throws Exception {
        final HttpResponse<String> user = platform.post(CHECK, platform.token("alice"),
                checkBody("rewards", "device", "d1"));
        final HttpResponse<String> bad = platform.post(CHECK, service(),
                "{\"domain\":\"\",\"descriptors\":[[{\"key\":\"device\"}]],\"hits\":-1}");

        assertThat(user.statusCode()).isEqualTo(403);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(bad.body()).get("errors").findValuesAsText("pointer"))
                .contains("/domain", "/descriptors/0/0", "/hits");
    }

    @Test
    void shouldKeepServicesToTheDomainsTheirTokenNamesAndOffEventlinesOwn() throws Exception {
        // Given: alice, whose posts the default rule allows two a second; a service token naming no domains, and
        // one naming only rewards
        final String aliceId = unique("alice");
        final String spendAlicesPosts = "{\"domain\":\"eventline\",\"descriptors\":[[{\"key\":\"endpoint\","
                + "\"value\":\"POST /api/v1/posts\"},{\"key\":\"user\",\"value\":\"" + aliceId + "\"}]],"
                + "\"hits\":2}";
        final String rewardsOnly = platform.serviceToken("loyalty", Set.of("rewards"));

        // When: both services try to spend alice's allowance, and the scoped one checks a domain it does not name
        // and one it does
        final HttpResponse<String> unscoped = platform.post(CHECK, service(), spendAlicesPosts);
        final HttpResponse<String> scoped = platform.post(CHECK, rewardsOnly, spendAlicesPosts);
        final HttpResponse<String> otherDomain = platform.post(CHECK, rewardsOnly,
                checkBody("accounts", "ip", "192.0.2.1"));
        final HttpResponse<String> ownDomain = platform.post(CHECK, rewardsOnly,
                checkBody("rewards", "device", unique("device")));

        // Then: each refusal is a 403 problem naming the domain; the named domain is checked as before
        for (HttpResponse<String> refused : List.of(unscoped, scoped, otherDomain)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/problem+json");
        }
        assertThat(JSON.readTree(unscoped.body()).get("detail").asText()).contains("eventline");
        assertThat(JSON.readTree(scoped.body()).get("detail").asText()).contains("eventline");
        assertThat(JSON.readTree(otherDomain.body()).get("detail").asText()).contains("accounts");
        assertThat(ownDomain.statusCode()).as(ownDomain.body()).isEqualTo(200);
        assertThat(JSON.readTree(ownDomain.body()).get("overallCode").asText()).isEqualTo("OK");

        // And: nothing was spent of alice's allowance, so both her posts of this second are stored
        final String alice = platform.token(aliceId);
        assertThat(platform.post("/api/v1/posts", alice, "{\"text\":\"one\"}").statusCode()).isEqualTo(201);
        assertThat(platform.post("/api/v1/posts", alice, "{\"text\":\"two\"}").statusCode()).isEqualTo(201);
    }

    @Test
    void shouldApplyReplacedRulesOnEveryInstanceAndRejectInvalidOnes() throws Exception {
        // Given: a domain of one check per hour
        final String domain = unique("quota");
        putRules(platform, domain, oneRule("tenant", "per-tenant",
                "{\"unit\":\"hour\",\"requests_per_unit\":1,\"algorithm\":\"fixed_window\"}"));
        assertThat(check(domain, "tenant", "t1").get("overallCode").asText()).isEqualTo("OK");
        assertThat(check(domain, "tenant", "t1").get("overallCode").asText()).isEqualTo("OVER_LIMIT");

        // When: the rules are replaced by three per hour; and an invalid replacement is sent
        putRules(platform, domain, oneRule("tenant", "per-tenant",
                "{\"unit\":\"hour\",\"requests_per_unit\":3,\"algorithm\":\"fixed_window\"}"));
        final HttpResponse<String> invalid = platform.put(RULES + domain, admin(), oneRule("tenant", "per-tenant",
                "{\"unit\":\"fortnight\",\"requests_per_unit\":0}"));
        final HttpResponse<String> notAdmin = platform.put(RULES + domain, platform.token("alice"),
                oneRule("tenant", "x", "{\"unit\":\"hour\",\"requests_per_unit\":1}"));

        // Then: the same hour admits two more; the invalid rules changed nothing
        assertThat(check(domain, "tenant", "t1").get("statuses").get(0).get("remaining").asLong()).isEqualTo(1);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).get("errors").findValuesAsText("pointer"))
                .contains("/descriptors/0/rate_limit/unit", "/descriptors/0/rate_limit/requests_per_unit");
        assertThat(notAdmin.statusCode()).isEqualTo(403);
        final JsonNode stored = JSON.readTree(platform.get(RULES + domain, admin()).body());
        assertThat(stored.get("descriptors").get(0).get("rate_limit").get("requests_per_unit").asLong()).isEqualTo(3);
        // the other instance holds the same rules
        final JsonNode elsewhere = JSON.readTree(behindProxy.get(RULES + domain, admin()).body());
        assertThat(elsewhere.get("version")).isEqualTo(stored.get("version"));
    }

    @Test
    void shouldCountButNotRejectUnderAShadowRuleAndShowItInMetrics() throws Exception {
        // Given: a shadow rule of one per hour
        final String domain = unique("shadow");
        putRules(platform, domain, "{\"descriptors\":[{\"key\":\"user\",\"name\":\"trial\",\"shadow\":true,"
                + "\"rate_limit\":{\"unit\":\"hour\",\"requests_per_unit\":1}}]}");

        // When: three checks
        final List<JsonNode> answers = List.of(check(domain, "user", "u1"), check(domain, "user", "u1"),
                check(domain, "user", "u1"));

        // Then: all OK, the two over the limit marked, and the counts in /metrics
        assertThat(answers).extracting(a -> a.get("overallCode").asText()).containsOnly("OK");
        assertThat(answers).extracting(a -> a.get("statuses").get(0).get("shadowLimited").asBoolean())
                .containsExactly(false, true, true);
        final Pattern shadowed = Pattern.compile("kafka_stream_ratelimit_shadow_limited_total\\{[^}]*ratelimit_id=\""
                + Pattern.quote(domain + "/trial") + "\"[^}]*} 2\\.0");
        final String metrics = eventually(Duration.ofSeconds(30), Duration.ofMillis(500),
                () -> platform.metrics().body(), body -> shadowed.matcher(body).find());
        assertThat(metrics).containsPattern(shadowed);
    }

    @Test
    void shouldShowACountersCurrentWindow() throws Exception {
        final String device = unique("device");
        check("rewards", "device", device);
        check("rewards", "device", device);

        final HttpResponse<String> status = platform.get("/api/v1/admin/ratelimit/status?domain=rewards&descriptor="
                + "device%3D" + device, admin());
        final HttpResponse<String> forbidden = platform.get("/api/v1/admin/ratelimit/status?domain=rewards&descriptor="
                + "device%3D" + device, platform.token("alice"));

        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        final JsonNode answer = JSON.readTree(status.body());
        assertThat(answer.get("rule").get("name").asText()).isEqualTo("rewards-per-device");
        assertThat(answer.get("rule").get("algorithm").asText()).isEqualTo("sliding_window_log");
        assertThat(answer.get("window").get("active").asBoolean()).isTrue();
        assertThat(answer.get("window").get("remaining").asLong()).isEqualTo(3);
        assertThat(forbidden.statusCode()).isEqualTo(403);
    }

    @Test
    void shouldLimitRedirectsPerClientAddressBelievingOnlyTrustedProxies() throws Exception {
        // Given: two redirects per hour per address (set at start), and a short link
        final HttpResponse<String> created = behindProxy.post("/api/v1/urls", behindProxy.token(unique("owner")),
                "{\"url\":\"https://example.com/" + unique("page") + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        final String code = JSON.readTree(created.body()).get("code").asText();

        // When: one client (behind the trusted proxy) follows it three times, another once
        final List<Integer> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(behindProxy.send("GET", "/" + code, null, null,
                    Map.of("X-Forwarded-For", "203.0.113.7")).statusCode());
        }
        final HttpResponse<String> other = behindProxy.send("GET", "/" + code, null, null,
                Map.of("X-Forwarded-For", "203.0.113.8"));

        // Then
        assertThat(first.subList(0, 2)).allMatch(status -> status == 301 || status == 302);
        assertThat(first.get(2)).isEqualTo(429);
        assertThat(other.statusCode()).isIn(301, 302);
    }

    @Test
    void shouldQueueWritesInALeakingBucketAndReleaseThemAtItsRate() throws Exception {
        // Given: a queue of three, drained at 2 per second
        final String writer = behindProxy.token(unique("writer"));
        final long start = System.nanoTime();

        // When: four profile writes at once
        final List<Callable<long[]>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            final String body = "{\"displayName\":\"Writer " + i + "\"}";
            calls.add(() -> {
                final int status = behindProxy.put("/api/v1/me/profile", writer, body).statusCode();
                return new long[]{status, (System.nanoTime() - start) / 1_000_000};
            });
        }
        final CompletableFuture<List<long[]>> running = CompletableFuture.supplyAsync(() -> {
            try {
                return Concurrently.run(calls);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        // while the queued writes wait their turn (the last for a second), no server thread waits with them
        final Set<String> waiting = new TreeSet<>();
        for (int sample = 0; sample < 6; sample++) {
            Thread.sleep(100);
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(RateLimitGuard.class.getName()))
                        && Arrays.stream(stack).anyMatch(frame -> frame.getMethodName().equals("sleep"))) {
                    waiting.add(thread.getName());
                }
            });
        }
        final List<long[]> results = running.get(30, TimeUnit.SECONDS);
        assertThat(waiting).as("threads sleeping in the guard").isEmpty();

        // Then: three wait their turn in the queue and pass, one finds it full and is dropped
        assertThat(results).extracting(r -> r[0]).containsExactlyInAnyOrder(200L, 200L, 200L, 429L);
        final List<Long> passedAt = results.stream().filter(r -> r[0] == 200).map(r -> r[1]).sorted().toList();
        // released 500 ms apart, so the last of three no sooner than a second after the first was admitted, which
        // was after the start; a slow machine only makes it later (unqueued, all three would be done within about
        // 200 ms)
        assertThat(passedAt.get(2)).isGreaterThanOrEqualTo(950);
    }
}
