package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventline.kv.ScriptedKvServer.Answer;
import io.eventline.kv.ScriptedKvServer.Seen;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kv client against a local server on a real socket that answers as the kv HTTP contract says. */
class KvClientTest {
    private static final String PUT_ANSWER = """
            {"namespace":"app","key":"k","etag":"\\"dc0-7\\"","size":5,"contentType":"text/plain",
             "updatedAt":"2026-12-07T10:00:00Z","expiresAt":"2026-12-07T10:01:30Z"}""";
    private static final String NAMESPACE_ANSWER = """
            {"namespace":"app","owner":"alice","maxKeys":1000,"maxBytes":1048576,"keys":3,"bytes":42,
             "createdAt":"2026-12-07T09:00:00Z"}""";

    private ScriptedKvServer server;
    private KvClient client;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedKvServer();
        client = new KvClient(server.uri(), "tok-alice");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void shouldPutTheValueUnderItsPercentEncodedKeyWithTheBearerToken() {
        // Given
        server.answer(request -> Answer.json(201, PUT_ANSWER).with("ETag", "\"dc0-7\""));
        final String key = "a b+c%d?é€😀#;";

        // When
        final KvPutResult result = client.put("app", key, "hello".getBytes(StandardCharsets.UTF_8), "text/plain");

        // Then: the key is one path segment, every byte but the unreserved ones encoded
        final Seen request = server.last();
        assertThat(request.method()).isEqualTo("PUT");
        assertThat(request.rawPath())
                .isEqualTo("/api/v1/kv/app/a%20b%2Bc%25d%3F%C3%A9%E2%82%AC%F0%9F%98%80%23%3B");
        assertThat(request.header("Authorization")).isEqualTo("Bearer tok-alice");
        assertThat(request.header("Content-Type")).isEqualTo("text/plain");
        assertThat(request.text()).isEqualTo("hello");
        assertThat(request.header("If-Match")).isNull();
        assertThat(request.header("If-None-Match")).isNull();
        assertThat(request.header(KvClient.TTL_HEADER)).isNull();
        assertThat(result).isEqualTo(new KvPutResult("app", "k", "\"dc0-7\"", 5, "text/plain",
                Instant.parse("2026-12-07T10:00:00Z"), Optional.of(Instant.parse("2026-12-07T10:01:30Z")), true));
    }

    @Test
    void shouldSendTheConditionsAndTheTtlInWholeSecondsRoundedUp() {
        // Given
        server.answer(request -> Answer.json(200, PUT_ANSWER));

        // When
        final KvPutResult replaced = client.put("app", "k", new byte[] {1, 2}, null,
                KvPutOptions.none().ttl(Duration.ofMillis(1_500)).ifMatch("\"dc0-7\""));
        final Seen conditional = server.last();
        client.put("app", "k", new byte[] {3}, "application/x-thing", KvPutOptions.none().onlyIfAbsent());
        final Seen createOnly = server.last();

        // Then
        assertThat(replaced.created()).isFalse();
        assertThat(conditional.header("If-Match")).isEqualTo("\"dc0-7\"");
        assertThat(conditional.header(KvClient.TTL_HEADER)).isEqualTo("2");
        assertThat(conditional.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(conditional.body()).containsExactly(1, 2);
        assertThat(createOnly.header("If-None-Match")).isEqualTo("*");
        assertThat(createOnly.header("If-Match")).isNull();
        assertThat(createOnly.header(KvClient.TTL_HEADER)).isNull();
    }

    @Test
    void shouldSendBackTheNewestConsistencyTokenAnyAnswerCarried() {
        // Given: each answer carries a newer token, an error answer too; one carries none
        final AtomicInteger answers = new AtomicInteger();
        server.answer(request -> switch (answers.incrementAndGet()) {
            case 1 -> Answer.json(201, PUT_ANSWER).with(KvClient.CONSISTENCY_TOKEN, "t1");
            case 2 -> new Answer(200, Map.of(KvClient.CONSISTENCY_TOKEN, "t2"), new byte[] {7});
            case 3 -> Answer.problem(404, "not-found", "Not found", "no such key")
                    .with(KvClient.CONSISTENCY_TOKEN, "t3");
            case 4 -> Answer.status(204);
            default -> Answer.json(200, "{\"items\":[],\"nextCursor\":null}");
        });

        // When
        client.put("app", "k", new byte[] {7}, "application/octet-stream");
        client.get("app", "k");
        client.get("app", "gone");
        client.delete("app", "k");
        client.scan("app", "", null, 10);

        // Then: the first request has no token, each later one the newest so far
        assertThat(server.requests()).extracting(r -> r.header(KvClient.CONSISTENCY_TOKEN))
                .containsExactly(null, "t1", "t2", "t3", "t3");
        assertThat(client.consistencyToken()).contains("t3");
    }

    @Test
    void shouldShareTheSessionAcrossThreadsButNotAcrossClients() throws Exception {
        // Given
        server.answer(request -> request.method().equals("PUT")
                ? Answer.json(201, PUT_ANSWER).with(KvClient.CONSISTENCY_TOKEN, "t9")
                : new Answer(200, Map.of(), new byte[] {1}));

        // When: one thread writes, another reads with the same client, a second client reads too
        final Thread writer = new Thread(() -> client.put("app", "k", new byte[] {1}, "text/plain"));
        writer.start();
        writer.join();
        final Thread reader = new Thread(() -> client.get("app", "k"));
        reader.start();
        reader.join();
        new KvClient(server.uri(), "tok-bob").get("app", "k");

        // Then
        final List<Seen> requests = server.requests();
        assertThat(requests.get(1).header(KvClient.CONSISTENCY_TOKEN)).isEqualTo("t9");
        assertThat(requests.get(2).header(KvClient.CONSISTENCY_TOKEN)).isNull();
        assertThat(requests.get(2).header("Authorization")).isEqualTo("Bearer tok-bob");
    }

    @Test
    void shouldAskTheBearerTokenSupplierForEveryRequest() {
        // Given: a session whose token is renewed between two requests
        final AtomicInteger renewals = new AtomicInteger();
        final KvClient renewing = new KvClient(server.uri(), () -> "tok-" + renewals.incrementAndGet(),
                KvClient.defaultHttpClient(), Duration.ofSeconds(5));
        server.answer(request -> Answer.status(204));

        // When
        renewing.delete("app", "k");
        renewing.delete("app", "k");

        // Then
        assertThat(server.requests()).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer tok-1", "Bearer tok-2");
    }

    @Test
    void shouldReadAnEventualValueWithItsTypeEtagAndReplicaLag() {
        // Given
        server.answer(request -> new Answer(200, Map.of("Content-Type", "application/json",
                "ETag", "\"dc0-3.dc1-1\"", "Eventline-Replica-Lag-Ms", "42", "Eventline-Stale", "true"),
                "{\"n\":1}".getBytes(StandardCharsets.UTF_8)));

        // When
        final KvValue value = client.get("app", "k", Consistency.EVENTUAL).orElseThrow();

        // Then
        assertThat(server.last().rawPath()).isEqualTo("/api/v1/kv/app/k");
        assertThat(server.last().rawQuery()).isEqualTo("consistency=eventual");
        assertThat(value.text()).isEqualTo("{\"n\":1}");
        assertThat(value.contentType()).isEqualTo("application/json");
        assertThat(value.etag()).isEqualTo("\"dc0-3.dc1-1\"");
        assertThat(value.replicaLag()).contains(Duration.ofMillis(42));
        assertThat(value.stale()).isTrue();
    }

    @Test
    void shouldThrowTheSiblingsOfAKeyWrittenInTwoDatacentresWithTheEtagThatResolvesThem() {
        // Given
        server.answer(request -> new Answer(300, Map.of("Content-Type", "application/json",
                "ETag", "\"dc1-2.dc2-1\""), ("{\"namespace\":\"app\",\"key\":\"k\",\"etag\":\"\\\"dc1-2.dc2-1\\\"\","
                + "\"siblings\":[{\"etag\":\"\\\"dc2-1\\\"\",\"contentType\":\"text/plain\",\"size\":5,"
                + "\"value\":\"bGlnaHQ=\",\"updatedAt\":\"2026-12-07T10:00:00Z\",\"expiresAt\":null,"
                + "\"datacenter\":\"dc2\"},{\"etag\":\"\\\"dc1-2\\\"\",\"contentType\":\"text/plain\","
                + "\"size\":4,\"value\":\"ZGFyaw==\",\"updatedAt\":\"2026-12-07T10:00:00Z\",\"expiresAt\":null,"
                + "\"datacenter\":\"dc1\"}]}").getBytes(StandardCharsets.UTF_8)));

        // When / Then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.get("app", "k"))
                .isInstanceOfSatisfying(KvSiblingsException.class, e -> {
                    assertThat(e.status()).isEqualTo(300);
                    assertThat(e.etag()).isEqualTo("\"dc1-2.dc2-1\"");
                    assertThat(e.siblings()).extracting(KvValue::text).containsExactly("light", "dark");
                    assertThat(e.siblings()).extracting(KvValue::etag).containsExactly("\"dc2-1\"", "\"dc1-2\"");
                });
    }

    @Test
    void shouldAskForStrongReadsOnlyWhenToldAndReadAMissingKeyAsEmpty() {
        // Given
        server.answer(request -> Answer.problem(404, "not-found", "Not found", "no such key"));

        // When
        final Optional<KvValue> strong = client.get("app", "k", Consistency.STRONG);
        final Seen strongRequest = server.last();
        final Optional<KvValue> plain = client.get("app", "k");

        // Then
        assertThat(strong).isEmpty();
        assertThat(plain).isEmpty();
        assertThat(strongRequest.rawQuery()).isEqualTo("consistency=strong");
        assertThat(server.last().rawQuery()).isNull();
    }

    @Test
    void shouldThrowAConflictWhenAConditionFails() {
        // Given
        server.answer(request -> Answer.problem(412, "precondition-failed", "Precondition failed",
                "the value's etag is \\\"dc0-8\\\""));

        // When / Then: a put and a delete with a stale etag
        assertThatThrownBy(() -> client.put("app", "k", new byte[] {1}, "text/plain",
                KvPutOptions.none().ifMatch("\"dc0-7\""))).isInstanceOfSatisfying(KvConflictException.class, e -> {
                    assertThat(e.status()).isEqualTo(412);
                    assertThat(e.slug()).isEqualTo("precondition-failed");
                    assertThat(e.title()).isEqualTo("Precondition failed");
                    assertThat(e.detail()).isEqualTo("the value's etag is \"dc0-8\"");
                });
        assertThatThrownBy(() -> client.delete("app", "k", "\"dc0-7\"")).isInstanceOf(KvConflictException.class);
        assertThat(server.last().method()).isEqualTo("DELETE");
        assertThat(server.last().header("If-Match")).isEqualTo("\"dc0-7\"");
    }

    @Test
    void shouldThrowQuotaExceededNamingTheQuotaButOtherConflictsAsTheirSlug() {
        // Given
        server.answer(request -> request.rawPath().endsWith("/k")
                ? Answer.problem(409, "quota-exceeded", "Quota exceeded", "app holds 1000 keys, its maxKeys")
                : Answer.problem(409, "namespace-taken", "Namespace taken", "another user owns app"));

        // When / Then
        assertThatThrownBy(() -> client.put("app", "k", new byte[] {1}, "text/plain"))
                .isInstanceOfSatisfying(KvQuotaExceededException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.quota()).contains("maxKeys");
                });
        assertThatThrownBy(() -> client.createNamespace("app", KvQuotas.defaults()))
                .isExactlyInstanceOf(KvException.class)
                .satisfies(e -> assertThat(((KvException) e).slug()).isEqualTo("namespace-taken"));
    }

    @Test
    void shouldReportAPendingWriteWithItsOperation() {
        // Given: the outcome was not known within the server's wait
        server.answer(request -> Answer.json(202, "{\"eventId\":\"2961\",\"status\":\"pending\"}")
                .with("Location", "/api/v1/operations/2961"));

        // When / Then
        assertThatThrownBy(() -> client.put("app", "k", new byte[] {1}, "text/plain"))
                .isInstanceOfSatisfying(KvPendingException.class, e -> {
                    assertThat(e.status()).isEqualTo(202);
                    assertThat(e.eventId()).isEqualTo("2961");
                    assertThat(e.operation()).isEqualTo(server.uri().resolve("/api/v1/operations/2961"));
                });
    }

    @Test
    void shouldReadAProblemThatIsNotJsonAndTheTimeToWait() {
        // Given
        server.answer(request -> request.method().equals("GET")
                ? new Answer(502, Map.of("Content-Type", "text/html"),
                        "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8))
                : Answer.problem(503, "unavailable", "Service unavailable", "the broker is away")
                        .with("Retry-After", "5"));

        // When / Then
        assertThatThrownBy(() -> client.get("app", "k")).isInstanceOfSatisfying(KvException.class, e -> {
            assertThat(e.status()).isEqualTo(502);
            assertThat(e.detail()).contains("Bad gateway");
        });
        assertThatThrownBy(() -> client.delete("app", "k")).isInstanceOfSatisfying(KvException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(5));
        });
    }

    @Test
    void shouldSayNoAnswerCameWhenNothingListens() throws Exception {
        // Given
        final int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        final KvClient nowhere = new KvClient(URI.create("http://127.0.0.1:" + port), "tok");

        // When / Then
        assertThatThrownBy(() -> nowhere.get("app", "k")).isInstanceOfSatisfying(KvException.class,
                e -> assertThat(e.status()).isZero());
    }

    @Test
    void shouldRefuseKeysTheApiCannotHoldWithoutAsking() {
        assertThatThrownBy(() -> client.get("app", "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("app", "bell\u0007")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("app", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("app", "half\uD83D")).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void shouldRefuseOptionsAndQuotasThatCannotBeMeant() {
        assertThatThrownBy(() -> KvPutOptions.none().onlyIfAbsent().ifMatch("\"dc0-1\""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvPutOptions.none().ttl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KvQuotas.defaults().withMaxKeys(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.scan("app", "", null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void shouldEncodeAKeyOfDotsSoNoOneTakesItForADotSegment() {
        // Given
        server.answer(request -> Answer.status(204));

        // When
        client.delete("app", "..");
        final String dots = server.last().rawPath();
        client.delete("app", "v1.2");

        // Then
        assertThat(dots).isEqualTo("/api/v1/kv/app/%2E%2E");
        assertThat(server.last().rawPath()).isEqualTo("/api/v1/kv/app/v1.2");
    }

    @Test
    void shouldScanAPageWithEncodedPrefixAndCursorAndReadTheNextCursor() {
        // Given
        server.answer(request -> Answer.json(200, """
                {"items":[{"key":"user:é1","etag":"\\"dc0-1\\"","size":3,"contentType":"text/plain",
                 "updatedAt":"2026-12-07T10:00:00Z","expiresAt":null}],"nextCursor":"c2"}"""));

        // When
        final KvPage page = client.scan("app", "user:é", "c/1+2", 2);

        // Then
        assertThat(server.last().rawPath()).isEqualTo("/api/v1/kv/app");
        assertThat(server.last().rawQuery()).isEqualTo("prefix=user%3A%C3%A9&cursor=c%2F1%2B2&limit=2");
        assertThat(page.items()).containsExactly(new KvKeyInfo("user:é1", "\"dc0-1\"", 3, "text/plain",
                Instant.parse("2026-12-07T10:00:00Z"), Optional.empty()));
        assertThat(page.nextCursor()).contains("c2");
    }

    @Test
    void shouldScanTheFirstPageWithoutACursorAndEndWhereTheServerDoes() {
        server.answer(request -> Answer.json(200, "{\"items\":[],\"nextCursor\":null}"));

        final KvPage page = client.scan("app", null, null, 20);

        assertThat(server.last().rawQuery()).isEqualTo("prefix=&limit=20");
        assertThat(page.items()).isEmpty();
        assertThat(page.nextCursor()).isEmpty();
    }

    @Test
    void shouldReadABatchInCallsOfAtMostAHundredKeysAndAKeyWithACommaAlone() {
        // Given: 250 keys and one holding a comma; the server has the even ones and the comma's
        final List<String> keys = new ArrayList<>(IntStream.range(0, 250)
                .mapToObj(i -> String.format("k%03d", i)).toList());
        keys.add(1, "a,b");
        server.answer(KvClientTest::batchOfEvenKeys);

        // When
        final Map<String, KvValue> found = client.getAll("app", keys);

        // Then
        final List<Seen> requests = server.requests();
        assertThat(requests).extracting(r -> r.rawQuery() == null ? "single " + r.rawPath()
                : "batch of " + askedKeys(r).size())
                .containsExactly("single /api/v1/kv/app/a%2Cb", "batch of 100", "batch of 100", "batch of 50");
        assertThat(found.keySet()).containsExactlyElementsOf(keys.stream()
                .filter(k -> k.equals("a,b") || Integer.parseInt(k.substring(1)) % 2 == 0).toList());
        assertThat(found.get("k010").text()).isEqualTo("value of k010");
        assertThat(found.get("k010").etag()).isEqualTo("\"dc0-10\"");
        assertThat(found.get("k010").contentType()).isEqualTo("text/plain");
    }

    @Test
    void shouldSplitABatchOfLongKeysToKeepItsRequestLineShort() {
        // Given: 60 keys of 200 characters
        final List<String> keys = IntStream.range(0, 60).mapToObj(i -> String.format("%03d", i) + "x".repeat(197))
                .toList();
        server.answer(KvClientTest::batchOfEvenKeys);

        // When
        client.getAll("app", keys);

        // Then: several requests, each asking under 4,000 characters of keys, all keys asked once
        final List<Seen> requests = server.requests();
        assertThat(requests).hasSizeGreaterThan(1);
        assertThat(requests).allSatisfy(r -> assertThat(r.rawQuery().length()).isLessThanOrEqualTo(4_005));
        assertThat(requests.stream().flatMap(r -> askedKeys(r).stream()).toList())
                .containsExactlyElementsOf(keys);
    }

    @Test
    void shouldCreateANamespaceWithTheQuotasAskedAndNoBodyForTheDefaults() {
        // Given
        server.answer(request -> Answer.json(201, NAMESPACE_ANSWER));

        // When
        final KvNamespaceUsage created = client.createNamespace("app", KvQuotas.of(1000, 1_048_576));
        final Seen withQuotas = server.last();
        client.createNamespace("app", KvQuotas.defaults());
        final Seen withDefaults = server.last();
        client.createNamespace("app", KvQuotas.defaults(), ConflictPolicy.LAST_WRITER_WINS);

        // Then
        assertThat(server.last().text()).isEqualTo("{\"conflicts\":\"last-writer-wins\"}");
        assertThat(withQuotas.method()).isEqualTo("PUT");
        assertThat(withQuotas.rawPath()).isEqualTo("/api/v1/kv/app");
        assertThat(withQuotas.header("Content-Type")).isEqualTo("application/json");
        assertThat(withQuotas.text()).isEqualTo("{\"maxKeys\":1000,\"maxBytes\":1048576}");
        assertThat(withDefaults.body()).isEmpty();
        assertThat(created).isEqualTo(new KvNamespaceUsage("app", "alice", 1000, 1_048_576, 3, 42,
                Instant.parse("2026-12-07T09:00:00Z")));
    }

    @Test
    void shouldReadANamespacesUsageAndDeleteIt() {
        // Given: the namespace exists until it is deleted
        final AtomicInteger calls = new AtomicInteger();
        server.answer(request -> switch (calls.incrementAndGet()) {
            case 1 -> Answer.json(200, NAMESPACE_ANSWER);
            case 2 -> Answer.status(204);
            default -> Answer.problem(404, "not-found", "Not found", "no namespace app");
        });

        // When
        final Optional<KvNamespaceUsage> before = client.namespace("app");
        final Seen usage = server.last();
        final boolean deleted = client.deleteNamespace("app");
        final boolean deletedAgain = client.deleteNamespace("app");
        final Optional<KvNamespaceUsage> after = client.namespace("app");

        // Then
        assertThat(usage.rawQuery()).isNull();
        assertThat(before).map(KvNamespaceUsage::keys).contains(3L);
        assertThat(deleted).isTrue();
        assertThat(deletedAgain).isFalse();
        assertThat(after).isEmpty();
        assertThat(server.requests()).extracting(Seen::method).containsExactly("GET", "DELETE", "DELETE", "GET");
    }

    @Test
    void shouldReportAnAnswerItCannotReadWithItsStatus() {
        // Given: something answers 200 that is not the kv API
        server.answer(request -> request.rawQuery() == null
                ? new Answer(200, Map.of("Content-Type", "text/html"), "<html/>".getBytes(StandardCharsets.UTF_8))
                : Answer.json(200, "{\"items\":[{\"key\":\"k\",\"updatedAt\":\"yesterday\"}]}"));

        // When / Then
        assertThatThrownBy(() -> client.namespace("app")).isInstanceOfSatisfying(KvException.class, e -> {
            assertThat(e.status()).isEqualTo(200);
            assertThat(e.title()).isEqualTo("Unreadable answer");
        });
        assertThatThrownBy(() -> client.scan("app", "", null, 5)).isInstanceOfSatisfying(KvException.class,
                e -> assertThat(e.detail()).contains("yesterday"));
    }

    /** Answers a batch read with the even keys it asked for, and a single read with a value. */
    private static Answer batchOfEvenKeys(Seen request) {
        if (request.rawQuery() == null) {
            return new Answer(200, Map.of("Content-Type", "text/plain", "ETag", "\"dc0-1\""), new byte[] {1});
        }
        final String items = askedKeys(request).stream().map(key -> {
            final int n = Integer.parseInt(key.replaceAll("^k?(\\d+).*$", "$1"));
            if (n % 2 != 0) {
                return "{\"key\":\"" + key + "\",\"found\":false}";
            }
            final String value = Base64.getEncoder()
                    .encodeToString(("value of " + key).getBytes(StandardCharsets.UTF_8));
            return "{\"key\":\"" + key + "\",\"found\":true,\"etag\":\"\\\"dc0-" + n
                    + "\\\"\",\"contentType\":\"text/plain\",\"value\":\"" + value + "\"}";
        }).collect(Collectors.joining(","));
        return Answer.json(200, "{\"items\":[" + items + "]}");
    }

    /** The keys a batch request asked for: its raw list split at the commas, then decoded. */
    private static List<String> askedKeys(Seen request) {
        assertThat(request.rawQuery()).startsWith("keys=");
        return Arrays.stream(request.rawQuery().substring("keys=".length()).split(","))
                .map(k -> URLDecoder.decode(k, StandardCharsets.UTF_8)).toList();
    }
}
