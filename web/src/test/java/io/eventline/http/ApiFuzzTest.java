package io.eventline.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every operation of {@code /openapi.json}, called with bodies, parameters, IDs and tokens generated from its own
 * schemas, valid and not. Two users keep private records, each marked with a canary string; no answer may be a
 * 5xx, break the document, or show one principal another's canary.
 */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class ApiFuzzTest {
    /** How long the calls may take in all, so the test stays within its share of the test command. */
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final long SEED = Long.getLong("eventline.fuzz.seed", 20261206L);
    private static PlatformFixture platform;
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        // no rate limits: the corpus must reach the handlers, not the limiter
        platform = PlatformFixture.start(kafka.bootstrapServers(), Map.of("EVENTLINE_RATELIMIT_DOMAIN",
                "fuzz-" + UUID.randomUUID().toString().substring(0, 8), "EVENTLINE_AWAIT_TIMEOUT_MS", "3000"));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void shouldAnswerEveryGeneratedRequestWithoutA5xxOrAnotherUsersData() throws Exception {
        // Given two users with private records, each carrying their canary
        final String run = UUID.randomUUID().toString().substring(0, 8);
        final Owner alice = Owner.create("alice-" + run, platform);
        final Owner bob = Owner.create("bob-" + run, platform);
        final String mallory = "mallory-" + run;
        final List<Caller> callers = List.of(
                new Caller(mallory, platform.token(mallory), Set.of(alice, bob)),
                new Caller("service", platform.token("svc-" + run, "service"), Set.of(alice, bob)),
                new Caller(alice.userId, platform.token(alice.userId), Set.of(bob)),
                new Caller("anonymous", null, Set.of(alice, bob)),
                new Caller("expired", platform.expiredToken(mallory), Set.of(alice, bob)),
                new Caller("alg-none", unsigned(mallory), Set.of(alice, bob)),
                new Caller("forged", forged(platform.token(mallory)), Set.of(alice, bob)),
                new Caller("garbage", "not.a.token", Set.of(alice, bob)));
        final JsonNode document = RequestCorpus.parse(platform.get("/openapi.json", null).body());
        final RequestCorpus corpus = new RequestCorpus(document, SEED);
        final Random random = new Random(SEED);
        final List<String> ids = new ArrayList<>(alice.ids());
        ids.addAll(bob.ids());
        ids.addAll(List.of("0", "-1", "99999999999999999999999", "%2e%2e", "%00", "%F0%9F%98%80", "a".repeat(300),
                "d_AAAAAAAAAAAAAAAAAAAAAA"));

        // When each operation is called, round after round, until the budget is spent
        final List<Operation> operations = operations(document);
        final Map<String, AtomicInteger> counts = new TreeMap<>();
        final List<String> failures = new ArrayList<>();
        final long deadline = System.nanoTime() + BUDGET.toNanos();
        int round = 0;
        while (System.nanoTime() < deadline && failures.isEmpty() && round < 40) {
            for (Operation operation : operations) {
                final List<String> bodies = operation.body == null ? List.of("")
                        : round == 0 ? List.of(corpus.valid(operation.body).toString())
                        : corpus.invalid(operation.body, EventlineWeb.MAX_BODY_BYTES);
                final String body = round < 2 && operation.body != null ? corpus.valid(operation.body).toString()
                        : bodies.get(random.nextInt(bodies.size()));
                final Caller caller = round % 3 == 0 ? callers.get(0) : callers.get(random.nextInt(callers.size()));
                final String path = path(operation, corpus, ids, random, round);
                final Map<String, String> headers = new LinkedHashMap<>();
                if (random.nextInt(25) == 0) {
                    headers.put("X-Fuzz", "h".repeat(random.nextBoolean() ? 70_000 : 4_000));
                }
                failures.addAll(call(operation, path, caller, body, headers));
                counts.computeIfAbsent(operation.name(), key -> new AtomicInteger()).incrementAndGet();
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            round++;
        }

        // Then
        final StringBuilder report = new StringBuilder("| Operation | Requests |\n| --- | --- |\n");
        counts.forEach((name, count) -> report.append("| `").append(name).append("` | ").append(count)
                .append(" |\n"));
        Files.writeString(Path.of("target", "api-fuzz-counts.md"), report.toString());
        assertThat(failures).as("seed %d; counts per operation in target/api-fuzz-counts.md", SEED).isEmpty();
        assertThat(counts).as("every operation was called").hasSize(operations.size());
        assertThat(counts.values()).allSatisfy(count -> assertThat(count.get()).isGreaterThanOrEqualTo(3));
    }

    private static List<String> call(Operation operation, String path, Caller caller, String body,
                                     Map<String, String> headers) throws Exception {
        final HttpRequest.Builder request;
        try {
            request = HttpRequest.newBuilder(URI.create(platform.baseUrl() + path)).timeout(Duration.ofSeconds(20))
                    .method(operation.method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
        } catch (IllegalArgumentException unrepresentable) {
            return List.of();
        }
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        if (caller.token != null) {
            request.header("Authorization", "Bearer " + caller.token);
        }
        headers.forEach(request::header);
        final HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException refused) {
            // a request the server closes outright (e.g. headers over its limit) is an answer, not a failure
            return List.of();
        }
        final String what = operation.method + " " + abbreviate(path) + " as " + caller.name + " with "
                + abbreviate(body) + " → " + response.statusCode() + " " + abbreviate(response.body());
        final List<String> failures = new ArrayList<>();
        if (response.statusCode() >= 500) {
            failures.add("5xx: " + what);
        }
        platform.contract().violations(operation.method, response.uri(), response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null), response.body())
                .forEach(violation -> failures.add(violation + ": " + what));
        for (Owner other : caller.others) {
            if (response.body().contains(other.canary)) {
                failures.add("another user's data: " + what);
            }
        }
        return failures;
    }

    private static String path(Operation operation, RequestCorpus corpus, List<String> ids, Random random,
                               int round) {
        String path = operation.path;
        while (path.contains("{")) {
            final int start = path.indexOf('{');
            final int end = path.indexOf('}', start);
            final String value = ids.get(random.nextInt(ids.size()));
            path = path.substring(0, start) + (value.contains("%") ? value : encode(value)) + path.substring(end + 1);
        }
        final StringBuilder query = new StringBuilder();
        operation.query.forEach((name, schema) -> {
            if (round % 2 == 0 || random.nextBoolean()) {
                query.append(query.isEmpty() ? '?' : '&').append(encode(name)).append('=')
                        .append(encode(corpus.parameter(schema)));
            }
        });
        if (random.nextInt(10) == 0) {
            query.append(query.isEmpty() ? '?' : '&').append("cursor=%25%25%25&limit=-5");
        }
        return path + query;
    }

    private static List<Operation> operations(JsonNode document) {
        final List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            final Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                final Map.Entry<String, JsonNode> method = methods.next();
                if (method.getValue().path("responses").has("101")) {
                    continue; // the socket's upgrade is fuzzed by the socket tests' frames
                }
                final Map<String, JsonNode> query = new LinkedHashMap<>();
                for (JsonNode parameter : method.getValue().path("parameters")) {
                    if (parameter.path("in").asText().equals("query")) {
                        query.put(parameter.get("name").asText(), parameter.get("schema"));
                    }
                }
                final JsonNode body = method.getValue().at("/requestBody/content/application~1json/schema");
                operations.add(new Operation(method.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(),
                        query, body.isMissingNode() ? null : body));
            }
        }
        return operations;
    }

    private static String claims(String user, long expiresInSeconds) {
        final long now = System.currentTimeMillis() / 1000;
        return base64("{\"sub\":\"" + user + "\",\"iat\":" + now + ",\"exp\":" + (now + expiresInSeconds) + "}");
    }

    private static String unsigned(String user) {
        return base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + claims(user, 3600) + ".";
    }

    private static String forged(String token) {
        final String[] parts = token.split("\\.");
        return parts[0] + "." + base64("{\"sub\":\"admin\",\"roles\":[\"admin\"],\"exp\":9999999999}") + "."
                + parts[2];
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…(" + text.length() + " chars)";
    }

    private record Operation(String method, String path, Map<String, JsonNode> query, JsonNode body) {
        String name() {
            return method + " " + path;
        }
    }

    private record Caller(String name, String token, Set<Owner> others) {
    }

    /** A user with private records that carry the user's canary: a link, a group's message, contact, a device. */
    private static final class Owner {
        final String userId;
        final String canary;
        final List<String> ids = new ArrayList<>();

        private Owner(String userId) {
            this.userId = userId;
            this.canary = "canary" + UUID.randomUUID().toString().replace("-", "");
        }

        static Owner create(String userId, PlatformFixture platform) throws Exception {
            final Owner owner = new Owner(userId);
            final String token = platform.token(userId);
            final JsonNode link = owned(platform.post("/api/v1/urls", token,
                    "{\"url\":\"https://example.com/" + owner.canary + "\"}"));
            owner.ids.add(link.get("code").asText());
            final JsonNode group = owned(platform.post("/api/v1/channels", token,
                    "{\"type\":\"group\",\"name\":\"private\",\"members\":[]}"));
            final String channelId = group.get("channelId").asText();
            owner.ids.add(channelId);
            final JsonNode message = owned(platform.post("/api/v1/channels/" + channelId + "/messages", token,
                    "{\"text\":\"" + owner.canary + "\",\"clientMessageId\":\"c1\"}"));
            owner.ids.add(message.get("messageId").asText());
            owned(platform.put("/api/v1/me/contact", token, "{\"email\":\"" + owner.canary + "@example.com\"}"));
            final String device = "phone-" + UUID.randomUUID();
            owned(platform.put("/api/v1/me/devices/" + device, token,
                    "{\"platform\":\"ios\",\"token\":\"" + owner.canary + "\"}"));
            owner.ids.add(device);
            final JsonNode post = owned(platform.post("/api/v1/posts", token, "{\"text\":\"public\"}"));
            owner.ids.add(post.get("postId").asText());
            owner.ids.add(userId);
            return owner;
        }

        List<String> ids() {
            return ids;
        }

        private static JsonNode owned(HttpResponse<String> response) {
            assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
            return RequestCorpus.parse(response.body());
        }
    }
}
