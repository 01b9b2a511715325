package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvTopologyTest {
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private TopologyTestDriver driver;
    private TestInputTopic<String, KvWriteRequested> writes;
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private long nextId = 1;

    @BeforeEach
    void setUp() {
        final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kv-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        final KvSettings settings = new KvSettings("dc0", 3, 100, 1_000, 10_000, Duration.ofSeconds(1), 8, java.util.List.of());
        driver = new TopologyTestDriver(KvTopology.build(settings, serdes), props, START);
        writes = driver.createInputTopic(KvTopics.WRITES.name(), Serdes.String().serializer(),
                serdes.of(KvWriteRequested.class).serializer());
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                serdes.of(OperationOutcome.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private KvWriteRequested.Builder write(KvOperation operation, String principal, String namespace, String key) {
        return KvWriteRequested.newBuilder().setEventId(Long.toString(nextId++))
                .setTimestamp(START.plusMillis(nextId)).setPrincipal(principal).setOperation(operation)
                .setNamespace(namespace).setKey(key);
    }

    private KvWriteRequested.Builder put(String principal, String namespace, String key, String value) {
        return write(KvOperation.PUT, principal, namespace, key).setContentType("text/plain")
                .setValue(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    private OperationOutcome send(KvWriteRequested.Builder builder) {
        final KvWriteRequested event = builder.build();
        writes.pipeInput(event.getNamespace(), event, event.getTimestamp());
        final OperationOutcome outcome = outcomes.readValue();
        assertThat(outcome.getEventId()).isEqualTo(event.getEventId());
        return outcome;
    }

    private KvEntry entry(String namespace, String key) {
        final KeyValueStore<String, KvEntry> store = driver.getKeyValueStore(KvStores.ENTRIES);
        return store.get(KvNames.storeKey(namespace, key));
    }

    private KvNamespace namespace(String name) {
        final KeyValueStore<String, KvNamespace> store = driver.getKeyValueStore(KvStores.NAMESPACES);
        return store.get(name);
    }

    private void createNamespace(String owner, String name) {
        assertThat(send(write(KvOperation.PUT_NAMESPACE, owner, name, null)).getHttpStatus()).isEqualTo(201);
    }

    @Test
    void shouldCreateThenReplaceAKeyWithANewVersionEachTime() {
        // Given
        createNamespace("alice", "prefs");

        // When
        final OperationOutcome created = send(put("alice", "prefs", "theme", "dark"));
        final String firstTag = KvVersions.etag(entry("prefs", "theme").getVersion());
        final OperationOutcome replaced = send(put("alice", "prefs", "theme", "light"));

        // Then
        assertThat(created.getHttpStatus()).isEqualTo(201);
        assertThat(replaced.getHttpStatus()).isEqualTo(200);
        assertThat(created.getResultJson()).contains("\"etag\":\"\\\"dc0-2\\\"\"", "\"applied\":{\"partition\":0,\"offset\":1}");
        assertThat(KvVersions.etag(entry("prefs", "theme").getVersion())).isNotEqualTo(firstTag).isEqualTo("\"dc0-3\"");
        assertThat(namespace("prefs").getKeys()).isEqualTo(1);
        assertThat(namespace("prefs").getBytes()).isEqualTo("theme".length() + "light".length());
        final KeyValueStore<String, KvApplied> applied = driver.getKeyValueStore(KvStores.APPLIED);
        assertThat(applied.get(KvStores.APPLIED_KEY).getOffset()).isEqualTo(2);
        assertThat(driver.createOutputTopic(KvTopics.CHANGES.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer()).isEmpty()).as("alone, no changes are sent").isTrue();
    }

    @Test
    void shouldApplyIfMatchAndIfNoneMatchOnlyWhenTheyHold() {
        // Given
        createNamespace("alice", "prefs");
        send(put("alice", "prefs", "theme", "dark"));
        final String tag = KvVersions.etag(entry("prefs", "theme").getVersion());

        // When / Then
        assertThat(send(put("alice", "prefs", "theme", "x").setCreateOnly(true)).getHttpStatus()).isEqualTo(412);
        assertThat(send(put("alice", "prefs", "theme", "x").setIfMatch("\"dc0-999\"")).getHttpStatus())
                .isEqualTo(412);
        assertThat(send(put("alice", "prefs", "theme", "light").setIfMatch(tag)).getHttpStatus()).isEqualTo(200);
        assertThat(send(put("alice", "prefs", "theme", "again").setIfMatch(tag)).getHttpStatus()).isEqualTo(412);
        assertThat(send(put("alice", "prefs", "font", "serif").setCreateOnly(true)).getHttpStatus()).isEqualTo(201);
        assertThat(StandardCharsets.UTF_8.decode(entry("prefs", "theme").getValue()).toString()).isEqualTo("light");
    }

    @Test
    void shouldRefuseWritesOverEitherQuotaNamingIt() {
        // Given: 3 keys and 100 bytes
        createNamespace("alice", "small");
        send(put("alice", "small", "a", "1"));
        send(put("alice", "small", "b", "2"));
        send(put("alice", "small", "c", "3"));

        // When
        final OperationOutcome fourth = send(put("alice", "small", "d", "4"));
        final OperationOutcome big = send(put("alice", "small", "a", "x".repeat(200)));
        final OperationOutcome sameKey = send(put("alice", "small", "a", "9"));

        // Then
        assertThat(fourth.getHttpStatus()).isEqualTo(409);
        assertThat(fourth.getProblem().getDetail()).startsWith("maxKeys");
        assertThat(fourth.getProblem().getType()).endsWith("quota-exceeded");
        assertThat(big.getHttpStatus()).isEqualTo(409);
        assertThat(big.getProblem().getDetail()).startsWith("maxBytes");
        assertThat(sameKey.getHttpStatus()).isEqualTo(200);
        assertThat(namespace("small").getKeys()).isEqualTo(3);
    }

    @Test
    void shouldLetOnlyAnAdminRaiseQuotasAboveTheDefaults() {
        assertThat(send(write(KvOperation.PUT_NAMESPACE, "alice", "big", null).setMaxKeys(50L)).getHttpStatus())
                .isEqualTo(403);
        assertThat(send(write(KvOperation.PUT_NAMESPACE, "ops", "big", null).setMaxKeys(50L).setAdmin(true))
                .getHttpStatus()).isEqualTo(201);
        assertThat(namespace("big").getMaxKeys()).isEqualTo(50);
        assertThat(send(write(KvOperation.PUT_NAMESPACE, "alice", "mine", null).setMaxKeys(2L)).getHttpStatus())
                .isEqualTo(201);
    }

    @Test
    void shouldHideAnotherOwnersNamespaceFromWritesAndRefuseItsName() {
        createNamespace("alice", "prefs");

        final OperationOutcome write = send(put("mallory", "prefs", "theme", "evil"));
        final OperationOutcome takeOver = send(write(KvOperation.PUT_NAMESPACE, "mallory", "prefs", null));
        final OperationOutcome drop = send(write(KvOperation.DELETE_NAMESPACE, "mallory", "prefs", null));

        assertThat(write.getHttpStatus()).isEqualTo(404);
        assertThat(takeOver.getHttpStatus()).isEqualTo(409);
        assertThat(drop.getHttpStatus()).isEqualTo(404);
        assertThat(namespace("prefs").getOwner()).isEqualTo("alice");
    }

    @Test
    void shouldRemoveKeysPastTheirTtlAndGiveBackTheirQuota() {
        // Given
        createNamespace("alice", "cache");
        send(put("alice", "cache", "short", "a").setTtlSeconds(5L));
        send(put("alice", "cache", "long", "b").setTtlSeconds(3600L));
        send(put("alice", "cache", "rewritten", "c").setTtlSeconds(5L));
        send(put("alice", "cache", "rewritten", "d"));

        // When
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        // Then
        assertThat(entry("cache", "short")).isNull();
        assertThat(entry("cache", "long")).isNotNull();
        assertThat(entry("cache", "rewritten")).isNotNull();
        assertThat(namespace("cache").getKeys()).isEqualTo(2);
    }

    @Test
    void shouldAnswerAReplayedWriteAsBeforeWithoutASecondVersion() {
        createNamespace("alice", "prefs");
        final KvWriteRequested first = put("alice", "prefs", "theme", "dark").build();
        writes.pipeInput("prefs", first);
        outcomes.readValue();
        final String tag = KvVersions.etag(entry("prefs", "theme").getVersion());

        writes.pipeInput("prefs", first);

        final OperationOutcome again = outcomes.readValue();
        assertThat(again.getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(KvVersions.etag(entry("prefs", "theme").getVersion())).isEqualTo(tag);
    }

    @Test
    void shouldDeleteKeysAndNamespaces() {
        createNamespace("alice", "prefs");
        send(put("alice", "prefs", "a", "1"));
        send(put("alice", "prefs", "b", "2"));

        assertThat(send(write(KvOperation.DELETE, "alice", "prefs", "a")).getHttpStatus()).isEqualTo(204);
        assertThat(send(write(KvOperation.DELETE, "alice", "prefs", "a")).getHttpStatus()).isEqualTo(404);
        assertThat(namespace("prefs").getKeys()).isEqualTo(1);
        assertThat(send(write(KvOperation.DELETE_NAMESPACE, "alice", "prefs", null)).getHttpStatus()).isEqualTo(204);
        assertThat(entry("prefs", "b")).isNull();
        assertThat(namespace("prefs")).isNull();
    }
}
