package io.eventline.ratelimit;

import static io.eventline.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CounterOwnerTest {
    private static final int PARTITIONS = 4;
    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
    private static final RateLimitRule TWO_PER_HOUR = RateLimitRule.newBuilder().setName("two-per-hour")
            .setRequestsPerUnit(2).setUnit(RateLimitUnit.HOUR).setAlgorithm(RateLimitAlgorithm.SLIDING_WINDOW_LOG)
            .setMatch(List.of(new DescriptorMatch("tenant", null))).setFailureMode(FailureMode.OPEN).build();

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final CounterPartitions partitions = new CounterPartitions();
    /** The stream task's store, as the owner reads it. */
    private final Map<String, byte[]> store = new HashMap<>();
    /** What the owner logged, in order; the log answers with each check's offset unless held. */
    private final List<RateLimitCheckRequested> logged = new ArrayList<>();
    private final List<CompletableFuture<Long>> held = new ArrayList<>();
    private boolean holdLog;
    private final CounterOwner.HitLog log = check -> {
        synchronized (logged) {
            logged.add(check);
            final CompletableFuture<Long> offset = new CompletableFuture<>();
            if (holdLog) {
                held.add(offset);
            } else {
                offset.complete((long) logged.size() - 1);
            }
            return offset;
        }
    };

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    private CounterOwner owner(int maxUnlogged) {
        return new CounterOwner(partitions, PARTITIONS, log, (topic, bytes) -> {
            throw new AssertionError("no recorded decision is read in this test");
        }, Clock.fixed(NOW, ZoneOffset.UTC), scheduler, maxUnlogged);
    }

    private static RateLimitCheckRequested check(String checkId, String tenant, boolean repeatable) {
        return check(checkId, tenant, repeatable, 1);
    }

    private static RateLimitCheckRequested check(String checkId, String tenant, boolean repeatable, int hits) {
        return RateLimitCheckRequested.newBuilder().setCheckId(checkId).setRequestId(checkId)
                .setTimestamp(NOW).setDomain("billing")
                .setDescriptor(List.of(new DescriptorEntry("tenant", tenant))).setHits(hits)
                .setKeepDecision(repeatable).setFollowing(List.of()).build();
    }

    private CounterPartitions.Owned takePartitionOf(CounterOwner owner, String tenant) {
        return partitions.take(owner.partitionOf(RateLimitKeys.counterKey(check("x", tenant, false))), store::get);
    }

    /** Takes the tenant's partition and lets the owner catch up with it, with a check that counts nothing. */
    private CounterPartitions.Owned ready(CounterOwner owner, String tenant) throws Exception {
        final CounterPartitions.Owned owned = takePartitionOf(owner, tenant);
        final CompletableFuture<RateLimitDecision> warmUp = owner.decide(check("warm-up", tenant, false, 0),
                TWO_PER_HOUR);
        taskCaughtUp(owned);
        warmUp.get(5, TimeUnit.SECONDS);
        loggedHits((int) loggedHits(0).stream().filter(hit -> hit.getCheckId().equals("warm-up")).count() + 1);
        return owned;
    }

    /** The checks logged so far, barriers left out, in the order they were decided; waits for {@code count}. */
    private List<LoggedHit> loggedHits(int count) throws InterruptedException {
        return eventually(Duration.ofSeconds(5), Duration.ofMillis(1), () -> {
            final List<LoggedHit> hits = new ArrayList<>();
            synchronized (logged) {
                logged.stream().filter(check -> !CounterOwner.isBarrier(check))
                        .forEach(check -> hits.addAll(CounterOwner.hitsOf(check)));
            }
            return hits;
        }, hits -> hits.size() >= count);
    }

    /** The stream task has applied everything logged so far. */
    private void taskCaughtUp(CounterPartitions.Owned owned) {
        synchronized (logged) {
            partitions.processed(owned, logged.size() - 1);
        }
    }

    @Test
    void shouldDecideOnceTheTaskHasAppliedWhatWasLoggedBeforeAndThenAtOnce() throws Exception {
        // Given: this process's task holds the counter's partition
        final CounterOwner owner = owner(100);
        final CounterPartitions.Owned owned = takePartitionOf(owner, "acme");

        // When: the first check arrives before the task has processed the barrier the owner logs on taking over
        final CompletableFuture<RateLimitDecision> first = owner.decide(check("c1", "acme", false), TWO_PER_HOUR);

        // Then: it waits for the task, and is decided as soon as the task has caught up
        assertThat(first).isNotDone();
        assertThat(logged).singleElement().satisfies(barrier -> assertThat(CounterOwner.isBarrier(barrier)).isTrue());
        taskCaughtUp(owned);
        assertThat(first.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(RateLimitCode.OK);
        // And: from then on a check is decided on the calling thread
        final CompletableFuture<RateLimitDecision> second = owner.decide(check("c2", "acme", false), TWO_PER_HOUR);
        assertThat(second).isDone();
        assertThat(second.join().getRemaining()).isZero();
    }

    @Test
    void shouldCountAdmittedHitsThatTheStoreHasNotAppliedAndLogEachWithItsRuleAndVerdict() throws Exception {
        // Given
        final CounterOwner owner = owner(100);
        ready(owner, "acme");

        // When: three checks of a limit of two, none of them applied to the store yet
        final List<RateLimitCode> codes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            codes.add(owner.decide(check("c" + i, "acme", false), TWO_PER_HOUR).get(5, TimeUnit.SECONDS).getCode());
        }

        // Then: the third is refused: the owner counts its own admissions, not only the store
        assertThat(codes).containsExactly(RateLimitCode.OK, RateLimitCode.OK, RateLimitCode.OVER_LIMIT);
        // And: each is logged with the verdict, at the owner's time, under the rule it was decided under
        final List<LoggedHit> acme = loggedHits(4).stream()
                .filter(hit -> hit.getCheckId().startsWith("c")).toList();
        assertThat(acme).extracting(LoggedHit::getAdmitted).containsExactly(true, true, false);
        assertThat(acme).allSatisfy(hit -> assertThat(hit.getTimestamp()).isEqualTo(NOW));
        assertThat(logged).filteredOn(check -> !CounterOwner.isBarrier(check))
                .allSatisfy(check -> assertThat(check.getRule()).isEqualTo(TWO_PER_HOUR));
    }

    @Test
    void shouldStartFromTheWindowTheStoreRestoredWhenItTakesAPartitionOver() throws Exception {
        // Given: the store, restored from the changelog after the previous owner died, holds a used-up window
        final Verdict usedUp = LimitAlgorithms.of(TWO_PER_HOUR.getAlgorithm())
                .decide(null, NOW.toEpochMilli(), 2, Limit.of(TWO_PER_HOUR));
        store.put(RateLimitStores.counterEntry(RateLimitKeys.counterKey(check("x", "acme", false))),
                RateLimitStores.counterValue(usedUp.expiresAt(), 41, usedUp.state()));
        final CounterOwner owner = owner(100);
        final CounterPartitions.Owned owned = takePartitionOf(owner, "acme");

        // When
        final CompletableFuture<RateLimitDecision> decision = owner.decide(check("c1", "acme", false), TWO_PER_HOUR);
        taskCaughtUp(owned);

        // Then
        assertThat(decision.get(5, TimeUnit.SECONDS).getCode()).isEqualTo(RateLimitCode.OVER_LIMIT);
    }

    @Test
    void shouldRefuseToDecideAPartitionItsTaskDoesNotHold() throws Exception {
        // Given: no task of this process holds the partition, then one takes it and gives it up
        final CounterOwner owner = owner(100);
        final RateLimitCheckRequested check = check("c1", "acme", false);
        assertThatThrownBy(() -> owner.decide(check, TWO_PER_HOUR).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CounterOwner.NotOwnerException.class);
        final CounterPartitions.Owned owned = ready(owner, "acme");
        partitions.withdraw(owned);

        // When / Then: another instance decides it now
        assertThat(owner.owns(owned.partition())).isFalse();
        assertThatThrownBy(() -> owner.decide(check, TWO_PER_HOUR).get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(CounterOwner.NotOwnerException.class);
    }

    @Test
    void shouldAnswerARepeatedRequestWithItsFirstDecisionAndCountItOnce() throws Exception {
        // Given
        final CounterOwner owner = owner(100);
        ready(owner, "acme");
        final int before = loggedHits(1).size();

        // When: a caller retries its request ID three times
        final List<RateLimitDecision> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(owner.decide(check("caller:r1#0", "acme", true), TWO_PER_HOUR).get(5, TimeUnit.SECONDS));
        }

        // Then: one hit is counted and logged, and every retry gets that answer
        assertThat(answers).extracting(RateLimitDecision::getCode).containsOnly(RateLimitCode.OK);
        assertThat(answers).extracting(RateLimitDecision::getRemaining).containsOnly(1L);
        final List<LoggedHit> hits = loggedHits(before + 1);
        Thread.sleep(50);
        assertThat(loggedHits(before + 1)).hasSize(before + 1);
        assertThat(hits.get(before).getKeepDecision()).isTrue();
    }

    @Test
    void shouldStopDecidingWhileTooManyDecisionsWaitForTheLog() throws Exception {
        // Given: at most two decisions may wait for the log, and the log stops answering
        final CounterOwner owner = owner(2);
        ready(owner, "acme");
        holdLog = true;
        owner.decide(check("c1", "acme", false), TWO_PER_HOUR).get(5, TimeUnit.SECONDS);
        owner.decide(check("c2", "acme", false), TWO_PER_HOUR).get(5, TimeUnit.SECONDS);

        // When / Then: a third is not decided (the rule's failure mode answers it)
        assertThatThrownBy(() -> owner.decide(check("c3", "acme", false), TWO_PER_HOUR).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CounterOwner.BacklogException.class);
        // And: once the log has caught up, checks are decided again
        assertThat(loggedHits(3)).extracting(LoggedHit::getCheckId).containsExactly("warm-up", "c1", "c2");
        synchronized (logged) {
            held.forEach(offset -> offset.complete(99L));
        }
        assertThat(owner.decide(check("c4", "acme", false), TWO_PER_HOUR).get(5, TimeUnit.SECONDS).getCode())
                .isEqualTo(RateLimitCode.OVER_LIMIT);
    }
}
