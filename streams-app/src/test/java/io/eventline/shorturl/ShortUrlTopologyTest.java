package io.eventline.shorturl;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OperationsSettings;
import io.eventline.operations.OperationsTopology;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.DeadLetterHeaders;
import io.eventline.streams.StreamsSettings;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ShortUrlTopologyTest {
    private static final int PARTITIONS = 6;
    private static final String SECRET = "test-secret";
    private TopologyTestDriver driver;
    private TestInputTopic<String, ShortUrlRequested> requests;
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private TestInputTopic<String, LinkClicked> clicks;
    private long nextEventId = 1;
    private EventSerdes serdes;
    private String applicationId;

    @BeforeEach
    void setUp() {
        serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        applicationId = "shorturl-test-" + UUID.randomUUID();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        // with the outcomes store, whose changelog writes the tests count beside the shortener's
        final StreamsBuilder builder = new StreamsBuilder();
        ShortUrlTopology.addTo(builder, new ShortUrlSettings(PARTITIONS, SECRET, "https://sho.rt"), serdes);
        OperationsTopology.addTo(builder, OperationsSettings.defaults(), serdes);
        driver = new TopologyTestDriver(builder.build(), props);
        requests = driver.createInputTopic(ShortUrlTopics.REQUESTS.name(), Serdes.String().serializer(),
                serdes.of(ShortUrlRequested.class).serializer());
        clicks = driver.createInputTopic(ShortUrlTopics.CLICKS.name(), Serdes.String().serializer(),
                serdes.of(LinkClicked.class).serializer());
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                serdes.of(OperationOutcome.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldCreateLinkWithSevenCharacterCodeAndAcceptWith201() {
        final ShortUrlRequested request = request("alice", "https://example.com/a", null);

        requests.pipeInput(request.getUserId(), request);

        final OperationOutcome outcome = outcomes.readValue();
        assertThat(outcome.getEventId()).isEqualTo(request.getEventId());
        assertThat(outcome.getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(outcome.getHttpStatus()).isEqualTo(201);
        final String code = codeOf(outcome);
        assertThat(code).matches("[0-9a-zA-Z]{7}");
        assertThat(outcome.getResultJson()).contains("\"shortUrl\":\"https://sho.rt/" + code + "\"");
        assertThat(links().get(code).getUrl()).isEqualTo("https://example.com/a");
        assertThat(links().get(code).getOwnerId()).isEqualTo("alice");
    }

    @Test
    void shouldReturnTheSameCodeWith200WhenTheSameUserAsksForTheSameLinkAgain() {
        final ShortUrlRequested first = request("alice", "https://example.com/a", null);
        final ShortUrlRequested second = request("alice", "https://example.com/a", null);
        final ShortUrlRequested otherUser = request("bob", "https://example.com/a", null);

        requests.pipeInput(first.getUserId(), first);
        requests.pipeInput(second.getUserId(), second);
        requests.pipeInput(otherUser.getUserId(), otherUser);

        final List<OperationOutcome> all = outcomes.readValuesToList();
        assertThat(all).extracting(OperationOutcome::getHttpStatus).containsExactly(201, 200, 201);
        assertThat(codeOf(all.get(1))).isEqualTo(codeOf(all.get(0)));
        assertThat(codeOf(all.get(2))).isNotEqualTo(codeOf(all.get(0)));
    }

    @Test
    void shouldRejectACustomAliasTakenByAnotherLinkWith409() {
        final ShortUrlRequested first = request("alice", "https://example.com/a", "launch");
        final ShortUrlRequested taken = request("bob", "https://example.com/b", "launch");

        requests.pipeInput(first.getUserId(), first);
        requests.pipeInput(taken.getUserId(), taken);

        final List<OperationOutcome> all = outcomes.readValuesToList();
        assertThat(all.get(0).getHttpStatus()).isEqualTo(201);
        assertThat(all.get(1).getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(all.get(1).getHttpStatus()).isEqualTo(409);
        assertThat(all.get(1).getProblem().getType()).endsWith("/code-taken");
        assertThat(links().get("launch").getOwnerId()).isEqualTo("alice");
    }

    @Test
    void shouldDrawAnotherCodeWhenTheGeneratedOneWasTakenAsAnAlias() {
        final List<String> generated = generatedCodes(2);
        final String firstGenerated = generated.get(0);
        final ShortUrlRequested squatter = request("mallory", "https://example.com/m", firstGenerated);
        final ShortUrlRequested fresh = request("alice", "https://example.com/a", null);

        requests.pipeInput(squatter.getUserId(), squatter);
        requests.pipeInput(fresh.getUserId(), fresh);

        final List<OperationOutcome> all = outcomes.readValuesToList();
        assertThat(all).extracting(OperationOutcome::getHttpStatus).containsExactly(201, 201);
        final String aliceCode = codeOf(all.get(1));
        assertThat(aliceCode).isNotEqualTo(firstGenerated).isEqualTo(generated.get(1));
        assertThat(links().get(aliceCode).getOwnerId()).isEqualTo("alice");
        assertThat(links().get(firstGenerated).getOwnerId()).isEqualTo("mallory");
    }

    @Test
    void shouldCreateAGeneratedCodeInOneStepWithoutAClaim() {
        // Given: a request for a generated code
        final ShortUrlRequested request = request("alice", "https://example.com/a", null);

        // When: the stream reads it
        requests.pipeInput(request.getUserId(), request);

        // Then: one record per topic it must reach, and none through the code-claims topic
        assertThat(recordsPerTopic()).isEqualTo(java.util.Map.of(
                OperationTopics.OUTCOMES.name(), 1,
                ShortUrlTopics.LINKS.name(), 1,
                internal("shorturl-dedupe-store-changelog"), 1,
                internal("shorturl-counter-store-changelog"), 1,
                internal("shorturl-links-store-changelog"), 1,
                internal("shorturl-links-by-owner-repartition"), 1,
                internal("shorturl-links-by-owner-store-changelog"), 1,
                internal("operations-by-time-store-changelog"), 1));
        assertThat(links().get(generatedCodes(1).get(0)).getEventId()).isEqualTo(request.getEventId());
    }

    @Test
    void shouldSendACustomAliasThroughItsClaim() {
        // Given: a request for a custom alias
        final ShortUrlRequested request = request("alice", "https://example.com/a", "launch");

        // When: the stream reads it
        requests.pipeInput(request.getUserId(), request);

        // Then: it went through the code-claims topic to its code's partition, and no counter moved
        assertThat(recordsPerTopic()).isEqualTo(java.util.Map.of(
                OperationTopics.OUTCOMES.name(), 1,
                ShortUrlTopics.LINKS.name(), 1,
                internal("shorturl-code-claims-repartition"), 1,
                internal("shorturl-links-store-changelog"), 1,
                internal("shorturl-links-by-owner-repartition"), 1,
                internal("shorturl-links-by-owner-store-changelog"), 1,
                internal("operations-by-time-store-changelog"), 1));
    }

    @Test
    void shouldRejectAnAliasThatAGeneratedCodeAlreadyHasWith409() {
        // Given: a link with a generated code
        final ShortUrlRequested generated = request("alice", "https://example.com/a", null);
        requests.pipeInput(generated.getUserId(), generated);
        final String code = codeOf(outcomes.readValue());

        // When: someone else asks for that code as an alias
        final ShortUrlRequested squatter = request("mallory", "https://example.com/m", code);
        requests.pipeInput(squatter.getUserId(), squatter);

        // Then: the alias is refused and the link stays alice's
        final OperationOutcome refused = outcomes.readValue();
        assertThat(refused.getHttpStatus()).isEqualTo(409);
        assertThat(refused.getProblem().getType()).endsWith("/code-taken");
        assertThat(links().get(code).getOwnerId()).isEqualTo("alice");
    }

    @Test
    void shouldAnswerALinkWhoseCodeWasDrawnBeforeCodesWerePlacedByPartitionThroughItsClaim() {
        // Given: alice's link under a code that lives on another partition than hers, as older codes may
        final ShortUrlRequested first = request("alice", "https://example.com/old", null);
        final String oldCode = otherPartitionsCode();
        final LinkCreated old = LinkCreated.newBuilder().setEventId(first.getEventId())
                .setTimestamp(first.getTimestamp()).setCode(oldCode).setUrl(first.getUrl()).setRedirect(302)
                .setOwnerId("alice").build();
        links().put(oldCode, old);
        driver.<String, String>getKeyValueStore(ShortUrlStores.DEDUPE).put(CodeAssigner.dedupeKey(first), oldCode);

        // When: she asks for the same link again
        final ShortUrlRequested again = request("alice", "https://example.com/old", null);
        requests.pipeInput(again.getUserId(), again);

        // Then: the claim on the old code's partition answers 200 with the old code
        final OperationOutcome outcome = outcomes.readValue();
        assertThat(outcome.getHttpStatus()).isEqualTo(200);
        assertThat(codeOf(outcome)).isEqualTo(oldCode);
        assertThat(recordsPerTopic()).containsEntry(internal("shorturl-code-claims-repartition"), 1);
    }

    @Test
    void shouldKeepTheCodeAndOutcomeWhenARequestIsReplayed() {
        final ShortUrlRequested request = request("alice", "https://example.com/a", null);

        final KeyValueStore<String, Long> counters = driver.getKeyValueStore(ShortUrlStores.COUNTERS);
        requests.pipeInput(request.getUserId(), request);
        final Long counterAfterFirst = counters.get("0");
        requests.pipeInput(request.getUserId(), request);

        final List<OperationOutcome> all = outcomes.readValuesToList();
        assertThat(all).hasSize(2);
        assertThat(all).extracting(OperationOutcome::getHttpStatus).containsExactly(201, 201);
        assertThat(codeOf(all.get(1))).isEqualTo(codeOf(all.get(0))).isEqualTo(generatedCodes(1).get(0));
        assertThat(counters.get("0")).isEqualTo(counterAfterFirst);
    }

    @Test
    void shouldIndexLinksByOwnerNewestFirst() {
        final ShortUrlRequested older = request("alice", "https://example.com/1", "first");
        final ShortUrlRequested newer = request("alice", "https://example.com/2", "second");
        newer.setTimestamp(older.getTimestamp().plusSeconds(1));
        requests.pipeInput(older.getUserId(), older);
        requests.pipeInput(newer.getUserId(), newer);

        final KeyValueStore<String, LinkCreated> byOwner = driver.getKeyValueStore(ShortUrlStores.LINKS_BY_OWNER);
        try (var range = byOwner.prefixScan(OwnerKeys.prefix("alice"), Serdes.String().serializer())) {
            final List<String> codes = new java.util.ArrayList<>();
            range.forEachRemaining((KeyValue<String, LinkCreated> kv) -> codes.add(kv.value.getCode()));
            assertThat(codes).containsExactly("second", "first");
        }
    }

    @Test
    void shouldCountClicksOfExistingLinksInTotalAndPerMinute() {
        final ShortUrlRequested request = request("alice", "https://example.com/a", "abc");
        requests.pipeInput(request.getUserId(), request);
        // 10:00:30, 10:01:10 and 10:01:50 fall into two one-minute windows
        final Instant at = Instant.parse("2026-01-01T10:00:30Z");
        for (int i = 0; i < 3; i++) {
            clicks.pipeInput("abc", LinkClicked.newBuilder().setEventId("c" + i).setTimestamp(at).setCode("abc")
                    .build(), at.plusSeconds(i * 40L));
        }
        clicks.pipeInput("nope", LinkClicked.newBuilder().setEventId("x").setTimestamp(at).setCode("nope").build(), at);

        final KeyValueStore<String, Long> totals = driver.getKeyValueStore(ShortUrlStores.CLICK_TOTALS);
        assertThat(totals.get("abc")).isEqualTo(3L);
        assertThat(totals.get("nope")).isNull();
        try (var windows = driver.<String, Long>getWindowStore(ShortUrlStores.CLICKS_BY_MINUTE)
                .fetch("abc", at.minusSeconds(3600), at.plusSeconds(3600))) {
            final List<Long> perMinute = new java.util.ArrayList<>();
            windows.forEachRemaining(kv -> perMinute.add(kv.value));
            assertThat(perMinute).containsExactly(1L, 2L);
        }
    }

    @Test
    void shouldDeadLetterALinkProducedStraightToKafkaThatLeadsBackToTheServiceAndAnswer400() {
        // Given: a dead-letter topic to read, and requests produced straight to the requests topic
        final TestOutputTopic<String, ShortUrlRequested> deadLetters = driver.createOutputTopic(
                StreamsSettings.DEAD_LETTER_TOPIC, Serdes.String().deserializer(),
                serdes.of(ShortUrlRequested.class).deserializer());
        final ShortUrlRequested loopback = request("mallory", "http://127.0.0.1:8080/loop", null);
        final ShortUrlRequested ftp = request("mallory", "ftp://example.com/file", null);
        final ShortUrlRequested badRedirect = ShortUrlRequested.newBuilder(request("mallory", "https://example.com/",
                null)).setRedirect(200).build();

        // When: they are read by the stream
        for (ShortUrlRequested request : List.of(loopback, ftp, badRedirect)) {
            requests.pipeInput(request.getUserId(), request);
        }

        // Then: each is a dead letter with its reason and where it was read; no link exists
        final List<TestRecord<String, ShortUrlRequested>> dead = deadLetters.readRecordsToList();
        assertThat(dead).extracting(TestRecord::getValue).containsExactly(loopback, ftp, badRedirect);
        assertThat(dead).extracting(record -> header(record, DeadLetterHeaders.MESSAGE)).containsExactly(
                "url must not point at this shortener (it would redirect to itself)",
                "url must be an absolute http or https URL, not ftp:", "redirect must be 301 or 302");
        assertThat(header(dead.get(0), DeadLetterHeaders.TOPIC)).isEqualTo(ShortUrlTopics.REQUESTS.name());
        assertThat(links().approximateNumEntries()).isZero();
        // And: whoever awaits the requests hears 400 with the reason
        final List<OperationOutcome> all = outcomes.readValuesToList();
        assertThat(all).extracting(OperationOutcome::getEventId).containsExactly(loopback.getEventId(),
                ftp.getEventId(), badRedirect.getEventId());
        assertThat(all).extracting(OperationOutcome::getHttpStatus).containsOnly(400);
        assertThat(all.get(0).getProblem().getType()).endsWith("/invalid-link");
        assertThat(all.get(0).getProblem().getDetail()).contains("this shortener");
    }

    @Test
    void shouldKeepALinkProducedStraightToKafkaInItsAsciiForm() {
        // Given: a link with a non-ASCII host, path and query, produced straight to the requests topic
        final ShortUrlRequested request = request("alice", "https://b\u00fccher.example/caf\u00e9?q=\u00fc", null);

        // When: the stream creates it
        requests.pipeInput(request.getUserId(), request);

        // Then: the link is kept, and answered, as its ASCII URI
        final OperationOutcome outcome = outcomes.readValue();
        assertThat(outcome.getHttpStatus()).isEqualTo(201);
        final String ascii = "https://xn--bcher-kva.example/caf%C3%A9?q=%C3%BC";
        assertThat(links().get(codeOf(outcome)).getUrl()).isEqualTo(ascii);
        assertThat(outcome.getResultJson()).contains(ascii);
    }

    private static String header(TestRecord<String, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private java.util.Map<String, Integer> recordsPerTopic() {
        final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String topic : driver.producedTopicNames()) {
            final int count = driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(),
                    Serdes.ByteArray().deserializer()).readRecordsToList().size();
            if (count > 0) {
                counts.put(topic, count);
            }
        }
        return counts;
    }

    private String internal(String name) {
        return applicationId + "-" + name;
    }

    private static String otherPartitionsCode() {
        final CodeCipher cipher = new CodeCipher(SECRET);
        final CodePartitions placement = new CodePartitions(PARTITIONS);
        for (long index = 0; ; index++) {
            if (placement.of(cipher.codeOf(index)) != 0) {
                return cipher.codeOf(index);
            }
        }
    }

    /** The first {@code count} codes partition 0 (the driver's only one) draws, from an empty links store. */
    private static List<String> generatedCodes(int count) {
        final CodeCipher cipher = new CodeCipher(SECRET);
        final CodePartitions placement = new CodePartitions(PARTITIONS);
        final List<String> codes = new java.util.ArrayList<>();
        for (long index = 0; codes.size() < count; index++) {
            final String code = cipher.codeOf(index);
            if (placement.of(code) == 0 && !ReservedCodes.isReserved(code)) {
                codes.add(code);
            }
        }
        return codes;
    }

    private KeyValueStore<String, LinkCreated> links() {
        return driver.getKeyValueStore(ShortUrlStores.LINKS);
    }

    private static String codeOf(OperationOutcome outcome) {
        return outcome.getResultJson().replaceAll(".*\"code\":\"([^\"]+)\".*", "$1");
    }

    private ShortUrlRequested request(String user, String url, String customCode) {
        return ShortUrlRequested.newBuilder().setEventId(String.valueOf(nextEventId++))
                .setTimestamp(Instant.parse("2026-01-01T00:00:00Z")).setUserId(user).setUrl(url).setRedirect(302)
                .setCustomCode(customCode).build();
    }
}
