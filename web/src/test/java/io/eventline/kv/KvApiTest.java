package io.eventline.kv;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.kafka.KafkaCluster;
import io.eventline.kafka.KafkaClusterExtension;
import io.eventline.platform.PlatformFixture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The key-value store over HTTP on one instance: namespaces, keys, conditions, TTLs, quotas and ownership. */
@Tag("integration")
@ExtendWith(KafkaClusterExtension.class)
class KvApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The alias of a second data centre whose mirrored changes this instance merges. */
    private static final String PEER = "peer" + UUID.randomUUID().toString().substring(0, 6);
    private static PlatformFixture platform;
    private static String bootstrapServers;

    @BeforeAll
    static void startPlatform(KafkaCluster kafka) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        platform = PlatformFixture.start(bootstrapServers, Map.of("EVENTLINE_KV_PEER_DCS", PEER));
    }

    @AfterAll
    static void stopPlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static HttpResponse<String> putValue(String path, String token, String value, String contentType,
                                                 Map<String, String> headers) throws Exception {
        final Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", contentType);
        return platform.send("PUT", path, token, value, all);
    }

    private static String createNamespace(String token) throws Exception {
        final String namespace = unique("ns");
        final HttpResponse<String> created = platform.put("/api/v1/kv/" + namespace, token, null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return namespace;
    }

    @Test
    void shouldKeepAValueWithItsContentTypeAndAnswerWithItsVersionAndAToken() throws Exception {
        // Given
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        final String path = "/api/v1/kv/" + namespace + "/greeting";

        // When
        final HttpResponse<String> written = putValue(path, alice, "héllo wörld", "text/plain; charset=utf-8",
                Map.of());
        final String token = written.headers().firstValue(ConsistencyToken.HEADER).orElseThrow();
        final HttpResponse<String> read = platform.send("GET", path, alice, null,
                Map.of(ConsistencyToken.HEADER, token));
        final HttpResponse<String> eventual = platform.send("GET", path + "?consistency=eventual", alice, null,
                Map.of());
        final HttpResponse<String> unchanged = platform.send("GET", path, alice, null,
                Map.of("If-None-Match", written.headers().firstValue("ETag").orElseThrow()));

        // Then
        assertThat(written.statusCode()).as(written.body()).isEqualTo(201);
        final JsonNode entry = JSON.readTree(written.body());
        assertThat(entry.get("etag").asText()).isEqualTo(written.headers().firstValue("ETag").orElseThrow())
                .matches("\"dc\\d+-\\d+\"");
        assertThat(entry.get("size").asInt()).isEqualTo("héllo wörld".getBytes(StandardCharsets.UTF_8).length);
        assertThat(token).matches("\\d+:\\d+");
        assertThat(read.statusCode()).as(read.body()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("héllo wörld");
        // the server writes the header in its own spelling: without the space
        assertThat(read.headers().firstValue("Content-Type").map(type -> type.replace(" ", "")))
                .contains("text/plain;charset=utf-8");
        assertThat(read.headers().firstValue("ETag")).isEqualTo(written.headers().firstValue("ETag"));
        assertThat(read.headers().firstValue(ConsistencyToken.HEADER)).contains(token);
        assertThat(eventual.statusCode()).isEqualTo(200);
        assertThat(eventual.headers().firstValue(KvReads.LAG_HEADER)).contains("0");
        assertThat(unchanged.statusCode()).isEqualTo(304);
    }

    @Test
    void shouldApplyConditionalWritesOnlyWhenTheirConditionHolds() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String path = "/api/v1/kv/" + createNamespace(alice) + "/counter";

        final HttpResponse<String> created = putValue(path, alice, "1", "text/plain", Map.of("If-None-Match", "*"));
        final String etag = created.headers().firstValue("ETag").orElseThrow();
        final HttpResponse<String> createAgain = putValue(path, alice, "9", "text/plain",
                Map.of("If-None-Match", "*"));
        final HttpResponse<String> matched = putValue(path, alice, "2", "text/plain", Map.of("If-Match", etag));
        final HttpResponse<String> lostUpdate = putValue(path, alice, "3", "text/plain", Map.of("If-Match", etag));
        final HttpResponse<String> staleDelete = platform.send("DELETE", path, alice, null, Map.of("If-Match", etag));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(createAgain.statusCode()).isEqualTo(412);
        assertThat(createAgain.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(matched.statusCode()).isEqualTo(200);
        assertThat(matched.headers().firstValue("ETag")).isPresent().isNotEqualTo(created.headers().firstValue("ETag"));
        assertThat(lostUpdate.statusCode()).isEqualTo(412);
        assertThat(staleDelete.statusCode()).isEqualTo(412);
        assertThat(platform.get(path, alice).body()).isEqualTo("2");
        final HttpResponse<String> deleted = platform.send("DELETE", path, alice, null,
                Map.of("If-Match", matched.headers().firstValue("ETag").orElseThrow()));
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(platform.get(path, alice).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldForgetAKeyWhenItsTtlRunsOutAndGiveBackItsQuota() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        final String path = "/api/v1/kv/" + namespace + "/session";

        final HttpResponse<String> written = putValue(path, alice, "token", "text/plain",
                Map.of(KvRoutes.TTL_HEADER, "2"));
        final HttpResponse<String> soon = platform.get(path, alice);

        assertThat(written.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(written.body()).get("expiresAt").isTextual()).isTrue();
        assertThat(soon.statusCode()).isEqualTo(200);
        assertThat(soon.headers().firstValue("Eventline-Expires-At")).isPresent();
        eventually(Duration.ofSeconds(10), Duration.ofMillis(200), () -> platform.get(path, alice),
                answer -> answer.statusCode() == 404);
        assertThat(platform.get(path, alice).statusCode()).isEqualTo(404);
        final JsonNode usage = platform.awaitJson("/api/v1/kv/" + namespace, alice,
                ns -> ns.get("keys").asLong() == 0, Duration.ofSeconds(10));
        assertThat(usage.get("bytes").asLong()).isZero();
    }

    @Test
    void shouldRefuseWritesOverAQuotaNamingIt() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = unique("small");
        final HttpResponse<String> tooBig = platform.put("/api/v1/kv/" + namespace, alice,
                "{\"maxKeys\":" + (KvSettings.DEFAULT_MAX_KEYS + 1) + "}");
        final HttpResponse<String> created = platform.put("/api/v1/kv/" + namespace, alice,
                "{\"maxKeys\":2,\"maxBytes\":1000}");

        putValue("/api/v1/kv/" + namespace + "/a", alice, "1", "text/plain", Map.of());
        putValue("/api/v1/kv/" + namespace + "/b", alice, "2", "text/plain", Map.of());
        final HttpResponse<String> third = putValue("/api/v1/kv/" + namespace + "/c", alice, "3", "text/plain",
                Map.of());
        final HttpResponse<String> large = putValue("/api/v1/kv/" + namespace + "/a", alice, "x".repeat(2000),
                "text/plain", Map.of());
        final HttpResponse<String> usage = platform.get("/api/v1/kv/" + namespace, alice);
        final HttpResponse<String> raisedByAdmin = platform.put("/api/v1/kv/" + namespace,
                platform.token("ops", "admin"), "{\"maxKeys\":" + (KvSettings.DEFAULT_MAX_KEYS * 2) + "}");

        assertThat(tooBig.statusCode()).isEqualTo(403);
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(third.statusCode()).isEqualTo(409);
        assertThat(third.headers().firstValue("Content-Type")).contains("application/problem+json");
        assertThat(JSON.readTree(third.body()).get("detail").asText()).startsWith("maxKeys");
        assertThat(JSON.readTree(third.body()).get("type").asText()).endsWith("/quota-exceeded");
        assertThat(JSON.readTree(large.body()).get("detail").asText()).startsWith("maxBytes");
        final JsonNode counted = JSON.readTree(usage.body());
        assertThat(counted.get("keys").asLong()).isEqualTo(2);
        assertThat(counted.get("bytes").asLong()).isEqualTo(4);
        assertThat(counted.get("maxKeys").asLong()).isEqualTo(2);
        assertThat(raisedByAdmin.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(raisedByAdmin.body()).get("maxKeys").asLong())
                .isEqualTo(KvSettings.DEFAULT_MAX_KEYS * 2);
    }

    @Test
    void shouldAnswer404ToEveryoneButTheOwnerAndAdmins() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String mallory = platform.token(unique("mallory"));
        final String namespace = createNamespace(alice);
        putValue("/api/v1/kv/" + namespace + "/secret", alice, "s3cret", "text/plain", Map.of());

        final List<HttpResponse<String>> refused = List.of(
                platform.get("/api/v1/kv/" + namespace, mallory),
                platform.get("/api/v1/kv/" + namespace + "/secret", mallory),
                platform.get("/api/v1/kv/" + namespace + "/secret?consistency=eventual", mallory),
                platform.get("/api/v1/kv/" + namespace + "?prefix=", mallory),
                platform.get("/api/v1/kv/" + namespace + "?keys=secret", mallory),
                putValue("/api/v1/kv/" + namespace + "/secret", mallory, "pwned", "text/plain", Map.of()),
                platform.delete("/api/v1/kv/" + namespace + "/secret", mallory),
                platform.delete("/api/v1/kv/" + namespace, mallory));
        final HttpResponse<String> takeOver = platform.put("/api/v1/kv/" + namespace, mallory, null);
        final HttpResponse<String> byAdmin = platform.get("/api/v1/kv/" + namespace + "/secret",
                platform.token("ops", "admin"));

        refused.forEach(answer -> assertThat(answer.statusCode()).as(answer.request().method() + " "
                + answer.uri() + ": " + answer.body()).isEqualTo(404));
        assertThat(takeOver.statusCode()).isEqualTo(409);
        assertThat(byAdmin.body()).isEqualTo("s3cret");
        assertThat(platform.get("/api/v1/kv/" + namespace + "/secret", alice).body()).isEqualTo("s3cret");
    }

    @Test
    void shouldScanByPrefixInPagesAndReadSeveralKeysAtOnce() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        final List<String> users = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            users.add("user:" + i);
            putValue("/api/v1/kv/" + namespace + "/user:" + i, alice, "{\"n\":" + i + "}", "application/json",
                    Map.of());
        }
        putValue("/api/v1/kv/" + namespace + "/other", alice, "x", "text/plain", Map.of());

        final List<String> scanned = new ArrayList<>();
        String cursor = "";
        do {
            final JsonNode page = JSON.readTree(platform.get("/api/v1/kv/" + namespace + "?prefix=user:&limit=2"
                    + (cursor.isEmpty() ? "" : "&cursor=" + cursor), alice).body());
            page.get("items").forEach(item -> scanned.add(item.get("key").asText()));
            cursor = page.get("nextCursor").isNull() ? "" : page.get("nextCursor").asText();
        } while (!cursor.isEmpty());
        final JsonNode batch = JSON.readTree(platform.get("/api/v1/kv/" + namespace + "?keys=user:1,missing,other",
                alice).body());

        assertThat(scanned).containsExactlyElementsOf(users);
        assertThat(batch.get("items")).hasSize(3);
        assertThat(new String(Base64.getDecoder().decode(batch.get("items").get(0).get("value").asText()),
                StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(batch.get("items").get(1).get("found").asBoolean()).isFalse();
        assertThat(batch.get("items").get(2).get("contentType").asText()).isEqualTo("text/plain");
    }

    @Test
    void shouldRefuseBadInputWithProblemsNever500() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        final String path = "/api/v1/kv/" + namespace + "/k";

        final HttpResponse<String> tooLarge = putValue(path, alice, "x".repeat(KvNames.MAX_VALUE_BYTES + 1),
                "text/plain", Map.of());
        final HttpResponse<String> badTtl = putValue(path, alice, "v", "text/plain", Map.of(KvRoutes.TTL_HEADER,
                "soon"));
        final HttpResponse<String> badToken = platform.send("GET", path, alice, null,
                Map.of(ConsistencyToken.HEADER, "not-a-token"));
        final HttpResponse<String> badConsistency = platform.get(path + "?consistency=linear", alice);
        final HttpResponse<String> badNamespace = platform.put("/api/v1/kv/Bad..Name", alice, null);
        final HttpResponse<String> tooManyKeys = platform.get("/api/v1/kv/" + namespace + "?keys="
                + String.join(",", java.util.Collections.nCopies(101, "k").stream()
                .map(k -> k + UUID.randomUUID()).toList()), alice);

        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(badTtl.statusCode()).isEqualTo(400);
        assertThat(badToken.statusCode()).isEqualTo(400);
        assertThat(badConsistency.statusCode()).isEqualTo(400);
        assertThat(badNamespace.statusCode()).isEqualTo(404);
        assertThat(tooManyKeys.statusCode()).isEqualTo(400);
        assertThat(List.of(tooLarge, badTtl, badToken, badConsistency, tooManyKeys)).allSatisfy(answer ->
                assertThat(answer.headers().firstValue("Content-Type")).contains("application/problem+json"));
    }

    @Test
    void shouldServeTheJavaClientAsItsOwnSession() throws Exception {
        // Given
        final KvClient client = new KvClient(java.net.URI.create(platform.baseUrl()), platform.token(unique("svc")));
        final String namespace = unique("client");
        final String key = "déjà vu+1 & more";
        final byte[] value = {0, 1, 2, (byte) 0xff};

        // When
        client.createNamespace(namespace, KvQuotas.defaults());
        final KvPutResult put = client.put(namespace, key, value, "application/octet-stream");
        final KvValue read = client.get(namespace, key).orElseThrow();
        final KvPage page = client.scan(namespace, "déjà", null, 10);
        final Map<String, KvValue> batch = client.getAll(namespace, List.of(key, "missing"));

        // Then
        assertThat(put.created()).isTrue();
        assertThat(read.bytes()).containsExactly(value);
        assertThat(read.etag()).isEqualTo(put.etag());
        assertThat(client.consistencyToken()).isPresent();
        assertThat(page.items()).extracting(KvKeyInfo::key).containsExactly(key);
        assertThat(batch).containsOnlyKeys(key);
        assertThat(client.get(namespace, key, Consistency.EVENTUAL).orElseThrow().replicaLag()).isPresent();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.put(namespace, key, value,
                "application/octet-stream", KvPutOptions.none().onlyIfAbsent()))
                .isInstanceOf(KvConflictException.class);
        assertThat(client.delete(namespace, key)).isTrue();
        assertThat(client.get(namespace, key)).isEmpty();
    }

    @Test
    void shouldShowAdminsTheLsmFiguresOfEveryStorePartition() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        for (int i = 0; i < 20; i++) {
            putValue("/api/v1/kv/" + namespace + "/k" + i, alice, "v".repeat(1024), "text/plain", Map.of());
        }

        final HttpResponse<String> refused = platform.get("/api/v1/admin/kv/stats", alice);
        final JsonNode stats = JSON.readTree(platform.get("/api/v1/admin/kv/stats",
                platform.token("ops", "admin")).body());

        assertThat(refused.statusCode()).isEqualTo(403);
        final List<JsonNode> entries = new ArrayList<>();
        stats.get("stores").forEach(store -> {
            if (store.get("store").asText().equals(KvStores.ENTRIES)) {
                entries.add(store);
            }
        });
        assertThat(entries).hasSize(PlatformFixture.TOPIC_PARTITIONS)
                .allSatisfy(store -> assertThat(store.get("role").asText()).isEqualTo("active"));
        // A commit flushes the memtables, so the values wait in them or sit in SST files, uncompressed.
        assertThat(entries.stream().mapToLong(store -> store.get("memtable").get("bytes").asLong()
                        + store.get("sstFiles").get("totalBytes").asLong()).sum())
                .as("the values just written are in the memtables or the SST files").isGreaterThan(20 * 1024);
        assertThat(entries.stream().mapToLong(store -> store.get("changelog").get("endOffset").asLong()).sum())
                .isGreaterThanOrEqualTo(20);
    }

    @Test
    void shouldDeleteANamespaceWithItsKeys() throws Exception {
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        putValue("/api/v1/kv/" + namespace + "/a", alice, "1", "text/plain", Map.of());

        final HttpResponse<String> deleted = platform.delete("/api/v1/kv/" + namespace, alice);
        final HttpResponse<String> again = platform.put("/api/v1/kv/" + namespace, alice, null);

        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(platform.get("/api/v1/kv/" + namespace + "/a", alice).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerSiblingsFromAnotherDatacentreWith300UntilAConditionalPutResolvesThem() throws Exception {
        // Given alice's key, written here and sent on to the other data centres
        final String alice = platform.token(unique("alice"));
        final String namespace = createNamespace(alice);
        final String path = "/api/v1/kv/" + namespace + "/theme";
        final String local = putValue(path, alice, "dark", "text/plain", Map.of()).headers().firstValue("ETag")
                .orElseThrow();
        final org.apache.kafka.clients.consumer.ConsumerRecord<String, KvChange> sent = sentChange(namespace,
                "theme");
        assertThat(KvVersions.etag(sent.value().getVersion())).isEqualTo(local);
        assertThat(sent.value().getOwner()).isNotBlank();

        // When the other data centre's concurrent write to it arrives, mirrored
        final KvChange concurrent = KvChange.newBuilder().setEventId(unique("remote")).setOrigin("dc9")
                .setOperation(KvOperation.PUT).setNamespace(namespace).setKey("theme")
                .setOwner(sent.value().getOwner()).setVersion(Map.of("dc9", 1L))
                .setValue(java.nio.ByteBuffer.wrap("light".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .setContentType("text/plain").setHlc(sent.value().getHlc() + 1)
                .setUpdatedAt(java.time.Instant.now()).build();
        produce(KvTopics.mirroredChanges(PEER).name(), namespace, concurrent);

        // Then a read answers 300 with both, newest first, under an ETag covering them
        final HttpResponse<String> siblings = eventually(Duration.ofSeconds(30), Duration.ofMillis(100),
                () -> platform.get(path, alice), r -> r.statusCode() == 300);
        assertThat(siblings.statusCode()).as(siblings.body()).isEqualTo(300);
        final JsonNode body = JSON.readTree(siblings.body());
        assertThat(siblings.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(body.get("etag").asText()).isEqualTo(siblings.headers().firstValue("ETag").orElseThrow())
                .contains("dc9-1").contains(local.replace("\"", ""));
        assertThat(body.get("siblings")).extracting(sibling -> new String(java.util.Base64.getDecoder()
                .decode(sibling.get("value").asText()), java.nio.charset.StandardCharsets.UTF_8))
                .containsExactly("light", "dark");
        assertThat(body.get("siblings").get(0).get("datacenter").asText()).isEqualTo("dc9");

        // When alice writes with If-Match of the 300's ETag, after a write with her old one is refused
        assertThat(putValue(path, alice, "x", "text/plain", Map.of("If-Match", local)).statusCode()).isEqualTo(412);
        final HttpResponse<String> resolved = putValue(path, alice, "dusk", "text/plain",
                Map.of("If-Match", body.get("etag").asText()));

        // Then one value is left, and the resolution goes to the other data centres, covering both siblings
        assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(200);
        final HttpResponse<String> read = platform.get(path, alice);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).isEqualTo("dusk");
        final KvChange resolution = sentChange(namespace, "theme", 2).value();
        assertThat(KvVersions.descends(resolution.getVersion(), Map.of("dc9", 1L))).isTrue();
        assertThat(KvVersions.descends(resolution.getVersion(), sent.value().getVersion())).isTrue();
    }

    private static org.apache.kafka.clients.consumer.ConsumerRecord<String, KvChange> sentChange(String namespace,
                                                                                                String key) {
        return sentChange(namespace, key, 1);
    }

    /** The {@code nth} change of {@code key} this instance put on kv.changes.v1. */
    private static org.apache.kafka.clients.consumer.ConsumerRecord<String, KvChange> sentChange(String namespace,
                                                                                                String key, int nth) {
        final Map<String, Object> props = Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, unique("kv-changes-reader"));
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, KvChange> consumer =
                     new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                             new org.apache.kafka.common.serialization.StringDeserializer(),
                             serdes().of(KvChange.class).deserializer())) {
            consumer.subscribe(List.of(KvTopics.CHANGES.name()));
            final List<org.apache.kafka.clients.consumer.ConsumerRecord<String, KvChange>> seen = new ArrayList<>();
            final long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(record -> {
                    if (record.key().equals(namespace) && key.equals(record.value().getKey())) {
                        seen.add(record);
                    }
                });
                if (seen.size() >= nth) {
                    return seen.get(nth - 1);
                }
            }
            throw new AssertionError("change " + nth + " of " + namespace + "/" + key + " not on "
                    + KvTopics.CHANGES.name());
        }
    }

    private static void produce(String topic, String key, KvChange change) throws Exception {
        final Map<String, Object> props = Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (org.apache.kafka.clients.producer.KafkaProducer<String, KvChange> producer =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(props,
                             new org.apache.kafka.common.serialization.StringSerializer(),
                             serdes().of(KvChange.class).serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, change)).get();
        }
    }

    private static io.eventline.serde.EventSerdes serdes() {
        return new io.eventline.serde.EventSerdes(new io.eventline.registry.client.HttpSchemaRegistryClient(
                platform.registryUrl(), java.util.Optional.of(PlatformFixture.REGISTRY_USER_INFO)));
    }
}
