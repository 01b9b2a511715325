package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the stream task applies the checks a counter's owner decided and logged. */
class RateLimitReplayTest {
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final RateLimitRule THREE_PER_HOUR = RateLimitRule.newBuilder().setName("three-per-hour")
            .setRequestsPerUnit(3).setUnit(RateLimitUnit.HOUR).setAlgorithm(RateLimitAlgorithm.SLIDING_WINDOW_LOG)
            .setMatch(List.of(new DescriptorMatch("tenant", null))).setFailureMode(FailureMode.OPEN).build();
    private static final List<DescriptorEntry> ACME = List.of(new DescriptorEntry("tenant", "acme"));
    private static final String COUNTER = RateLimitKeys.counterKey("billing", ACME);

    private final CounterPartitions partitions = new CounterPartitions();
    private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    private KeyValueStore<String, byte[]> state;
    private RateLimitProcessor processor;

    @BeforeEach
    void startTask() {
        state = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RateLimitStores.STATE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().withCachingDisabled().build();
        state.init(context.getStateStoreContext(), state);
        context.addStateStore(state);
        final TimestampedKeyValueStore<String, RateLimitRules> rules = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(RateLimitStores.RULES), Serdes.String(), avro(RateLimitRules.class))
                .withLoggingDisabled().build();
        rules.init(context.getStateStoreContext(), rules);
        context.addStateStore(rules);
        processor = new RateLimitProcessor(Duration.ofMinutes(10), avro(RateLimitDecision.class), partitions);
        processor.init(context);
    }

    /** The owner's logged check, at {@code offset} of the partition. */
    private void apply(String checkId, boolean admitted, long offset) {
        context.setRecordMetadata(RateLimitTopics.CHECKS.name(), 0, offset);
        processor.process(new Record<>(COUNTER, RateLimitCheckRequested.newBuilder().setCheckId(checkId)
                .setRequestId(checkId).setTimestamp(NOW).setDomain("billing").setDescriptor(ACME).setHits(1)
                .setRule(THREE_PER_HOUR).setAdmitted(admitted).setKeepDecision(false).setFollowing(List.of()).build(), NOW.toEpochMilli()));
    }

    /** The owner's decisions of one counter within a millisecond, logged as one record. */
    private void applyBatch(long offset, boolean... admitted) {
        final List<LoggedHit> following = new java.util.ArrayList<>();
        for (int i = 1; i < admitted.length; i++) {
            following.add(LoggedHit.newBuilder().setCheckId("b" + i).setRequestId("b" + i).setTimestamp(NOW)
                    .setHits(1).setAdmitted(admitted[i]).setKeepDecision(false).build());
        }
        context.setRecordMetadata(RateLimitTopics.CHECKS.name(), 0, offset);
        processor.process(new Record<>(COUNTER, RateLimitCheckRequested.newBuilder().setCheckId("b0")
                .setRequestId("b0").setTimestamp(NOW).setDomain("billing").setDescriptor(ACME).setHits(1)
                .setRule(THREE_PER_HOUR).setAdmitted(admitted[0]).setKeepDecision(false).setFollowing(following)
                .build(), NOW.toEpochMilli()));
    }

    private long remaining() {
        final byte[] stored = state.get(RateLimitStores.counterEntry(COUNTER));
        return LimitAlgorithms.of(THREE_PER_HOUR.getAlgorithm()).peek(
                stored == null ? null : RateLimitStores.counterStateOf(stored), NOW.toEpochMilli(),
                Limit.of(THREE_PER_HOUR)).remaining();
    }

    @Test
    void shouldCountALoggedHitOnceWhenItIsProcessedAgainAfterACrash() {
        // Given: the owner's first admitted hit, applied
        apply("c1", true, 5);
        assertThat(remaining()).isEqualTo(2);

        // When: the task restarts from an earlier commit and processes the same record again
        apply("c1", true, 5);

        // Then: the window holds it once; the next hit counts as usual
        assertThat(remaining()).isEqualTo(2);
        apply("c2", true, 6);
        assertThat(remaining()).isEqualTo(1);
        assertThat(RateLimitStores.appliedOffsetOf(state.get(RateLimitStores.counterEntry(COUNTER)))).isEqualTo(6);
    }

    @Test
    void shouldApplyEveryDecisionOfABatchInOrderAndCountTheBatchOnceWhenItIsProcessedAgain() {
        // When: four decisions in one record, the third refused by the owner
        applyBatch(3, true, true, false, true);

        // Then: three are counted, and the refusal is reported
        assertThat(remaining()).isZero();
        assertThat(context.forwarded()).extracting(forwarded -> forwarded.record().value())
                .hasOnlyElementsOfType(RateLimitRejected.class).hasSize(1);

        // When: the record is processed again after a crash
        context.resetForwards();
        applyBatch(3, true, true, false, true);

        // Then: nothing more is counted
        assertThat(remaining()).isZero();
        assertThat(RateLimitStores.appliedOffsetOf(state.get(RateLimitStores.counterEntry(COUNTER)))).isEqualTo(3);
    }

    @Test
    void shouldKeepTheOwnersVerdictAndReportRefusalsWithoutSendingDecisions() {
        // When: the owner refused a hit that the window, as the task sees it, would have room for
        apply("c1", false, 7);

        // Then: nothing is counted, the refusal is reported, and no decision goes out (the owner answered it)
        assertThat(remaining()).isEqualTo(3);
        assertThat(context.forwarded()).extracting(forwarded -> forwarded.record().value())
                .noneMatch(value -> value instanceof byte[])
                .singleElement().isInstanceOf(RateLimitRejected.class);
    }

    @Test
    void shouldAnnounceItsPartitionAndHowFarItHasAppliedItUntilItIsClosed() {
        // When
        apply("c1", true, 11);

        // Then: the decider in this process sees the partition as held, applied up to the offset
        assertThat(partitions.get(0)).isNotNull();
        assertThat(partitions.get(0).processed()).isEqualTo(11);
        assertThat(partitions.get(0).read(RateLimitStores.counterEntry(COUNTER))).isNotNull();

        // When: the task is closed (its partition revoked)
        processor.close();

        // Then
        assertThat(partitions.get(0)).isNull();
    }

    /** Avro's own single-object encoding: enough for a store no one else reads. */
    private static <T extends org.apache.avro.specific.SpecificRecordBase> Serde<T> avro(Class<T> type) {
        final Serializer<T> serializer = (topic, value) -> {
            try {
                final ByteBuffer buffer = (ByteBuffer) type.getMethod("toByteBuffer").invoke(value);
                final byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        final Deserializer<T> deserializer = (topic, bytes) -> {
            try {
                return type.cast(type.getMethod("fromByteBuffer", ByteBuffer.class).invoke(null, ByteBuffer.wrap(bytes)));
            } catch (ReflectiveOperationException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
