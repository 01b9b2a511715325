package io.eventline.ratelimit;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the counters of the partition that owns them. Most checks arrive decided: the instance running this task
 * decided them in memory ({@link CounterOwner}) and logged them with the rule it used and its verdict; they are
 * applied to the window again, deterministically (same state, same time, same rule, same verdict), and each counter
 * remembers the offset of the last check applied to it, so a check processed again after a crash counts once.
 * A check that arrives undecided (produced by another client) is decided here and its decision sent to
 * {@code ratelimit.decisions.v1}; such a decision is recorded by check ID before the counter it changed, so a
 * repeated check gets the recorded answer. Decisions leave as the bytes that were recorded (the topic's wire
 * format), serialized once.
 */
final class RateLimitProcessor implements Processor<String, RateLimitCheckRequested, String, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitProcessor.class);
    /** How often expired counters and decisions are swept out, and how many entries one sweep removes at most. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    static final int SWEEP_BATCH = 20_000;
    private static final String TOPIC = RateLimitTopics.DECISIONS.name();

    private final Duration decisionRetention;
    private final Serde<RateLimitDecision> decisions;
    private final CounterPartitions partitions;
    private CounterPartitions.Owned owned;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> state;
    private RuleCache rules;
    private RateLimitMetrics metrics;
    /**
     * Where the next sweep starts: the index entries before it are deleted, and deleted keys stay in RocksDB as
     * tombstones until compaction, which a sweep from the index's start would walk over again every time.
     */
    private long sweptTo;

    RateLimitProcessor(Duration decisionRetention, Serde<RateLimitDecision> decisions, CounterPartitions partitions) {
        this.decisionRetention = decisionRetention;
        this.decisions = decisions;
        this.partitions = partitions;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.state = context.getStateStore(RateLimitStores.STATE);
        final TimestampedKeyValueStore<String, RateLimitRules> ruleStore = context.getStateStore(RateLimitStores.RULES);
        this.rules = new RuleCache(domain -> ValueAndTimestamp.getValueOrNull(ruleStore.get(domain)));
        this.metrics = new RateLimitMetrics(context.metrics());
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::sweep);
        // init runs once the store is restored: from now on this process decides the partition's counters
        this.owned = partitions.take(context.taskId().partition(), state::get);
    }

    @Override
    public void close() {
        partitions.withdraw(owned);
    }

    @Override
    public void process(Record<String, RateLimitCheckRequested> record) {
        final RateLimitCheckRequested check = record.value();
        if (check == null) {
            return;
        }
        // keyed by its counter key (TopologyKit#source): this partition owns the counter
        final String counterKey = record.key();
        final long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        if (check.getRule() != null) {
            applyOwners(record, check, counterKey, offset);
        } else if (!CounterOwner.isBarrier(check)) {
            apply(record, check, counterKey, offset);
        }
        partitions.processed(owned, offset);
    }

    /**
     * Applies the checks the counter's owner decided and logged in one record, in order, to the window: the
     * same state, time, rule and hits give the same verdicts, and the owner's verdict stands where they would not.
     * The counter is written once, with the record's offset, so a record processed again counts nothing.
     */
    private void applyOwners(Record<String, RateLimitCheckRequested> record, RateLimitCheckRequested check,
                             String counterKey, long offset) {
        final String counterEntry = RateLimitStores.counterEntry(counterKey);
        final byte[] stored = state.get(counterEntry);
        if (stored != null && RateLimitStores.appliedOffsetOf(stored) >= offset) {
            return; // processed again after a crash: the counter holds it already
        }
        final RateLimitRule rule = check.getRule();
        final LimitAlgorithm algorithm = LimitAlgorithms.of(rule.getAlgorithm());
        final Limit limit = Limit.of(rule);
        byte[] window = stored == null ? null : RateLimitStores.counterStateOf(stored);
        long expiresAt = -1;
        for (LoggedHit hit : CounterOwner.hitsOf(check)) {
            final long now = hit.getTimestamp().toEpochMilli();
            final Verdict decided = algorithm.decide(window, now, hit.getHits(), limit);
            final boolean admitted = decided.allowed() && hit.getAdmitted();
            final Verdict verdict = admitted || !decided.allowed() ? decided
                    : new Verdict(false, decided.limit(), decided.remaining(), decided.resetMillis(), 1, 0, null, 0);
            if (admitted) {
                window = decided.state();
                expiresAt = decided.expiresAt();
            }
            final RateLimitDecision decision = RateLimitDecisions.of(hit.getCheckId(), hit.getRequestId(), hit.getTimestamp(),
                    rule, verdict);
            if (hit.getKeepDecision()) {
                final long kept = now + decisionRetention.toMillis();
                put(RateLimitStores.decisionEntry(hit.getCheckId()), null, kept,
                        RateLimitStores.withExpiry(kept, decisions.serializer().serialize(TOPIC, decision)));
            }
            metrics.record(check.getDomain(), rule, decision);
            if (!verdict.allowed()) {
                reject(record, check, rule, hit.getRequestId(), hit.getTimestamp(), hit.getHits());
            }
        }
        // after the decisions: the changelog keeps this order, so a restored counter always has its decisions
        if (expiresAt >= 0) {
            put(counterEntry, stored, expiresAt, RateLimitStores.counterValue(expiresAt, offset, window));
        }
    }


    private void reject(Record<String, RateLimitCheckRequested> record, RateLimitCheckRequested check,
                        RateLimitRule rule, String requestId, Instant at, int hits) {
        context.forward(record.withKey(check.getDomain()).withValue(RateLimitRejected.newBuilder()
                .setRequestId(requestId).setTimestamp(at).setDomain(check.getDomain())
                .setDescriptor(check.getDescriptor()).setRule(rule.getName())
                .setRequestsPerUnit(rule.getRequestsPerUnit()).setUnit(rule.getUnit()).setHits(hits)
                .setShadow(rule.getShadow()).build()));
    }

    private void apply(Record<String, RateLimitCheckRequested> record, RateLimitCheckRequested check,
                       String counterKey, long offset) {
        final String decisionEntry = RateLimitStores.decisionEntry(check.getCheckId());
        final byte[] recorded = state.get(decisionEntry);
        if (recorded != null) {
            forward(record, check.getCheckId(), RateLimitStores.payloadOf(recorded));
            return;
        }
        final Optional<RateLimitRule> rule = rules.match(check.getDomain(), check.getDescriptor());
        if (rule.isEmpty()) {
            forward(record, check.getCheckId(), decisions.serializer().serialize(TOPIC, RateLimitDecisions.unlimited(check)));
            return;
        }
        decide(record, check, counterKey, decisionEntry, rule.get(), offset);
    }

    private void decide(Record<String, RateLimitCheckRequested> record, RateLimitCheckRequested check,
                        String counterKey, String decisionEntry, RateLimitRule rule, long offset) {
        final long now = check.getTimestamp().toEpochMilli();
        final String counterEntry = RateLimitStores.counterEntry(counterKey);
        final byte[] stored = state.get(counterEntry);
        final Verdict verdict = LimitAlgorithms.of(rule.getAlgorithm())
                .decide(stored == null ? null : RateLimitStores.counterStateOf(stored), now, check.getHits(),
                        Limit.of(rule));
        final RateLimitDecision decision = RateLimitDecisions.of(check.getCheckId(), check.getRequestId(), check.getTimestamp(),
                rule, verdict);
        final byte[] sent = decisions.serializer().serialize(TOPIC, decision);
        // the decision first: the changelog keeps this order, so a restored counter always has its decision
        put(decisionEntry, null, now + decisionRetention.toMillis(),
                RateLimitStores.withExpiry(now + decisionRetention.toMillis(), sent));
        if (verdict.allowed()) {
            put(counterEntry, stored, verdict.expiresAt(),
                    RateLimitStores.counterValue(verdict.expiresAt(), offset, verdict.state()));
        }
        metrics.record(check.getDomain(), rule, decision);
        forward(record, check.getCheckId(), sent);
        if (!verdict.allowed()) {
            reject(record, check, rule, check.getRequestId(), check.getTimestamp(), check.getHits());
        }
    }

    /** Writes an entry and keeps exactly one index entry for it, moved only when its slot changes. */
    private void put(String entry, byte[] previous, long expiresAt, byte[] value) {
        final long slot = RateLimitStores.indexSlot(expiresAt);
        if (previous != null) {
            final long before = RateLimitStores.expiryOf(previous);
            if (RateLimitStores.indexSlot(before) == slot) {
                state.put(entry, value);
                return;
            }
            state.delete(RateLimitStores.indexEntry(before, entry));
        }
        state.put(entry, value);
        state.put(RateLimitStores.indexEntry(expiresAt, entry), new byte[0]);
        // a check from the past (a backlog worked off) may expire before where the sweep has got to
        sweptTo = Math.min(sweptTo, slot);
    }

    private void forward(Record<String, RateLimitCheckRequested> record, String checkId, byte[] decision) {
        context.forward(record.withKey(checkId).withValue(decision));
    }

    /** Removes entries whose time has passed, walking the time index: no scan of live keys. */
    private void sweep(long now) {
        int removed = 0;
        long reached = now + 1;
        try (KeyValueIterator<String, byte[]> due = state.range(RateLimitStores.indexFrom(sweptTo),
                RateLimitStores.indexFrom(now + 1))) {
            while (due.hasNext()) {
                final String indexKey = due.next().key;
                if (removed == SWEEP_BATCH) {
                    reached = RateLimitStores.slotOf(indexKey);
                    LOG.debug("Swept {} expired rate-limit entries; more remain for the next sweep", removed);
                    break;
                }
                final String entry = RateLimitStores.indexedEntry(indexKey);
                final byte[] stored = state.get(entry);
                state.delete(indexKey);
                if (stored != null && RateLimitStores.expiryOf(stored) <= now) {
                    state.delete(entry);
                } else if (stored != null) {
                    state.put(RateLimitStores.indexEntry(RateLimitStores.expiryOf(stored), entry), new byte[0]);
                }
                removed++;
            }
        }
        sweptTo = reached;
    }
}
