package io.eventline.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnowflakeIdGeneratorTest {

    private static final long T0 = Instant.parse("2025-06-01T12:00:00Z").toEpochMilli();

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        pool.shutdownNow();
    }

    @Test
    void shouldPlaceTimestampDatacenterWorkerAndSequenceInTheirBits() {
        // Given
        final ManualClock clock = new ManualClock(T0);
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(17, 9, clock);

        // When
        final long first = generator.nextId();
        final long second = generator.nextId();

        // Then
        final long expected = ((T0 - SnowflakeIdGenerator.EPOCH_MILLIS) << 22) | (17L << 17) | (9L << 12);
        assertThat(first).isEqualTo(expected);
        assertThat(second).isEqualTo(expected + 1);
        assertThat(SnowflakeIdGenerator.decode(second)).isEqualTo(
                new SnowflakeIdGenerator.SnowflakeId(second, Instant.ofEpochMilli(T0), 17, 9, 1));
        assertThat(SnowflakeIdGenerator.timestampMillis(first)).isEqualTo(T0);
    }

    @Test
    void shouldKeepSignBitClearAtTheLargestFields() {
        // Given the last millisecond the 41 bits can hold
        final long lastMillis = SnowflakeIdGenerator.EPOCH_MILLIS + SnowflakeIdGenerator.MAX_TIMESTAMP;
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(31, 31, new ManualClock(lastMillis));

        // When
        final long id = generator.nextId();

        // Then
        assertThat(id).isPositive();
        assertThat(SnowflakeIdGenerator.decode(id)).isEqualTo(
                new SnowflakeIdGenerator.SnowflakeId(id, Instant.ofEpochMilli(lastMillis), 31, 31, 0));
    }

    @Test
    void shouldRefuseClockOutsideEncodableRange() {
        final SnowflakeIdGenerator beforeEpoch =
                new SnowflakeIdGenerator(0, 0, new ManualClock(SnowflakeIdGenerator.EPOCH_MILLIS - 1));
        final SnowflakeIdGenerator afterRange = new SnowflakeIdGenerator(0, 0,
                new ManualClock(SnowflakeIdGenerator.EPOCH_MILLIS + SnowflakeIdGenerator.MAX_TIMESTAMP + 1));

        assertThatThrownBy(beforeEpoch::nextId).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(afterRange::nextId).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 32, Integer.MAX_VALUE})
    void shouldRejectOutOfRangeDatacenterAndWorkerIds(int bad) {
        assertThatThrownBy(() -> new SnowflakeIdGenerator(bad, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("datacenterId");
        assertThatThrownBy(() -> new SnowflakeIdGenerator(0, bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workerId");
    }

    @Test
    void shouldRejectNegativeBackwardWait() {
        assertThatThrownBy(() -> new SnowflakeIdGenerator(0, 0, InstantSource.system(), Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldIssueNoIdWhileItMayNotAndResumeAboveTheLastOneAfter() {
        // Given a generator whose instance holds its worker's lease, then loses it
        final java.util.concurrent.atomic.AtomicBoolean leased = new java.util.concurrent.atomic.AtomicBoolean(true);
        final SnowflakeIdGenerator ids = new SnowflakeIdGenerator(1, 2, InstantSource.system(),
                SnowflakeIdGenerator.DEFAULT_MAX_BACKWARD_WAIT, leased::get);
        final long before = ids.nextId();
        leased.set(false);

        // When / Then it refuses
        assertThatThrownBy(ids::nextId).isInstanceOf(IdsUnavailableException.class)
                .hasMessageContaining("lease");

        // and issues again, above the last, once the lease is back
        leased.set(true);
        assertThat(ids.nextId()).isGreaterThan(before);
    }

    @Test
    void shouldIssueStrictlyIncreasingIdsFromOneGenerator() {
        // Given
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(1, 2);
        final long[] ids = new long[200_000];

        // When
        for (int i = 0; i < ids.length; i++) {
            ids[i] = generator.nextId();
        }

        // Then
        for (int i = 1; i < ids.length; i++) {
            assertThat(ids[i]).isGreaterThan(ids[i - 1]);
        }
    }

    @Test
    void shouldIssueUniqueIdsAcrossManyThreads() throws Exception {
        // Given
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(3, 4);
        final int threads = 8;
        final int perThread = 50_000;
        final CountDownLatch start = new CountDownLatch(1);
        final List<Future<long[]>> results = new ArrayList<>();

        // When
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
                start.await();
                final long[] ids = new long[perThread];
                for (int i = 0; i < perThread; i++) {
                    ids[i] = generator.nextId();
                }
                return ids;
            }));
        }
        start.countDown();

        // Then each thread saw increasing IDs and no ID was issued twice
        final long[] all = new long[threads * perThread];
        int offset = 0;
        for (Future<long[]> result : results) {
            final long[] ids = result.get(60, TimeUnit.SECONDS);
            for (int i = 1; i < ids.length; i++) {
                assertThat(ids[i]).isGreaterThan(ids[i - 1]);
            }
            System.arraycopy(ids, 0, all, offset, ids.length);
            offset += ids.length;
        }
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            assertThat(all[i]).as("duplicate ID").isNotEqualTo(all[i - 1]);
        }
    }

    @Test
    void shouldWaitForNextMillisecondWhenSequenceIsExhausted() throws Exception {
        // Given every sequence number of the current millisecond is used
        final ManualClock clock = new ManualClock(T0);
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(0, 0, clock);
        long lastOfMillisecond = 0;
        for (int i = 0; i <= SnowflakeIdGenerator.MAX_SEQUENCE; i++) {
            lastOfMillisecond = generator.nextId();
        }
        assertThat(SnowflakeIdGenerator.sequence(lastOfMillisecond)).isEqualTo(SnowflakeIdGenerator.MAX_SEQUENCE);

        // When
        final CompletableFuture<Long> next = CompletableFuture.supplyAsync(generator::nextId, pool);

        // Then it blocks until the clock moves on, and continues with sequence 0
        assertStillWaiting(next);
        clock.advance(1);
        final long id = next.get(5, TimeUnit.SECONDS);
        assertThat(SnowflakeIdGenerator.timestampMillis(id)).isEqualTo(T0 + 1);
        assertThat(SnowflakeIdGenerator.sequence(id)).isZero();
        assertThat(id).isGreaterThan(lastOfMillisecond);
    }

    @Test
    void shouldWaitOutSmallBackwardClockStep() throws Exception {
        // Given
        final ManualClock clock = new ManualClock(T0);
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(0, 0, clock, Duration.ofSeconds(5));
        final long before = generator.nextId();

        // When the clock steps back 2 seconds
        clock.set(T0 - 2_000);
        final CompletableFuture<Long> next = CompletableFuture.supplyAsync(generator::nextId, pool);

        // Then no ID is issued until the clock is back where it was
        assertStillWaiting(next);
        clock.set(T0 - 1);
        assertStillWaiting(next);
        clock.set(T0);
        final long id = next.get(5, TimeUnit.SECONDS);
        assertThat(id).isGreaterThan(before);
        assertThat(SnowflakeIdGenerator.timestampMillis(id)).isEqualTo(T0);
    }

    @Test
    void shouldFailWhenClockStepsBackBeyondBound() {
        // Given
        final ManualClock clock = new ManualClock(T0);
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(0, 0, clock, Duration.ofSeconds(5));
        generator.nextId();

        // When
        clock.set(T0 - 5_001);

        // Then
        assertThatThrownBy(generator::nextId)
                .isInstanceOf(ClockMovedBackwardsException.class)
                .hasMessageContaining("5001 ms")
                .satisfies(e -> assertThat(((ClockMovedBackwardsException) e).behindMillis()).isEqualTo(5_001));
    }

    @Test
    void shouldFailWhileWaitingIfClockStepsFurtherBack() throws Exception {
        // Given a generator waiting out a small step back
        final ManualClock clock = new ManualClock(T0);
        final SnowflakeIdGenerator generator = new SnowflakeIdGenerator(0, 0, clock, Duration.ofSeconds(1));
        generator.nextId();
        clock.set(T0 - 500);
        final CompletableFuture<Long> next = CompletableFuture.supplyAsync(generator::nextId, pool);
        assertStillWaiting(next);

        // When
        clock.set(T0 - 10_000);

        // Then
        assertThat(next).failsWithin(Duration.ofSeconds(5))
                .withThrowableThat()
                .withCauseInstanceOf(ClockMovedBackwardsException.class);
    }

    @Test
    void shouldRoundTripStringForm() {
        final long id = new SnowflakeIdGenerator(5, 6, new ManualClock(T0)).nextId();

        assertThat(SnowflakeIdGenerator.parse(SnowflakeIdGenerator.toString(id))).isEqualTo(id);
        assertThat(SnowflakeIdGenerator.toString(id)).isEqualTo(Long.toString(id));
        assertThatThrownBy(() -> SnowflakeIdGenerator.parse("12ab")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SnowflakeIdGenerator.parse("-5")).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertStillWaiting(CompletableFuture<Long> future) throws InterruptedException {
        Thread.sleep(100);
        assertThat(future).isNotDone();
    }

    /** A clock that only moves when told to. */
    private static final class ManualClock implements InstantSource {
        private final AtomicLong millis;

        ManualClock(long millis) {
            this.millis = new AtomicLong(millis);
        }

        void set(long value) {
            millis.set(value);
        }

        void advance(long delta) {
            millis.addAndGet(delta);
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
