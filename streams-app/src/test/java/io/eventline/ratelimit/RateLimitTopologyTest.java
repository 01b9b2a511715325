package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.platform.EventlineConfig;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.StreamsSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RateLimitTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String DOMAIN = "eventline";

    private TopologyTestDriver driver;
    private EventSerdes serdes;
    private TestInputTopic<String, RateLimitRules> rules;
    private TestInputTopic<String, RateLimitCheckRequested> checks;
    private TestOutputTopic<String, RateLimitDecision> decisions;
    private TestOutputTopic<String, RateLimitRejected> rejections;
    private int nextRequest;
    private long version;

    @BeforeEach
    void start() {
        serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ratelimit-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, StreamsSettings.DEAD_LETTER_TOPIC);
        final EventlineConfig config = EventlineConfig.load(Map.of());
        driver = new TopologyTestDriver(RateLimitTopology.build(config.rateLimit(), serdes), props, T0);
        rules = driver.createInputTopic(RateLimitTopics.RULES.name(), Serdes.String().serializer(),
                serdes.of(RateLimitRules.class).serializer());
        checks = driver.createInputTopic(RateLimitTopics.CHECKS.name(), Serdes.String().serializer(),
                serdes.of(RateLimitCheckRequested.class).serializer());
        decisions = driver.createOutputTopic(RateLimitTopics.DECISIONS.name(), Serdes.String().deserializer(),
                serdes.of(RateLimitDecision.class).deserializer());
        rejections = driver.createOutputTopic(RateLimitTopics.REJECTIONS.name(), Serdes.String().deserializer(),
                serdes.of(RateLimitRejected.class).deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    // ---- steps ----

    private static RateLimitRule rule(String name, RateLimitAlgorithm algorithm, long perSecond, boolean shadow) {
        return RateLimitRule.newBuilder().setName(name)
                .setMatch(List.of(new DescriptorMatch("endpoint", "POST /api/v1/posts"), new DescriptorMatch("user", null)))
                .setUnit(RateLimitUnit.SECOND).setRequestsPerUnit(perSecond).setAlgorithm(algorithm).setBurst(null)
                .setShadow(shadow).setFailureMode(FailureMode.OPEN).build();
    }

    private void setRules(RateLimitRule... domainRules) {
        rules.pipeInput(DOMAIN, RateLimitRules.newBuilder().setDomain(DOMAIN).setVersion(++version).setUpdatedAt(T0)
                .setUpdatedBy("admin").setRules(List.of(domainRules)).build());
    }

    private static List<DescriptorEntry> postsBy(String user) {
        return List.of(new DescriptorEntry("endpoint", "POST /api/v1/posts"), new DescriptorEntry("user", user));
    }

    private RateLimitDecision check(String checkId, List<DescriptorEntry> descriptor, Instant at) {
        final RateLimitCheckRequested check = RateLimitCheckRequested.newBuilder().setCheckId(checkId)
                .setRequestId(checkId).setTimestamp(at).setDomain(DOMAIN).setDescriptor(descriptor).setHits(1)
                .build();
        checks.pipeInput(RateLimitKeys.counterKey(check), check, at);
        final List<RateLimitDecision> out = decisions.readValuesToList();
        assertThat(out).as("one decision per check").hasSize(1);
        assertThat(out.get(0).getCheckId()).isEqualTo(checkId);
        return out.get(0);
    }

    private RateLimitDecision check(List<DescriptorEntry> descriptor, Instant at) {
        return check("request-" + (++nextRequest) + "#0", descriptor, at);
    }

    private KeyValueStore<String, byte[]> state() {
        return driver.getKeyValueStore(RateLimitStores.STATE);
    }

    private List<String> stateKeys() {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = state().all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private double metric(String name, String entity) {
        for (Map.Entry<MetricName, ? extends Metric> entry : driver.metrics().entrySet()) {
            final MetricName metric = entry.getKey();
            if (metric.group().equals("stream-ratelimit-metrics") && metric.name().equals(name)
                    && entity.equals(metric.tags().get("ratelimit-id"))) {
                return ((Number) entry.getValue().metricValue()).doubleValue();
            }
        }
        return 0;
    }

    // ---- behaviour ----

    @Test
    void shouldRejectThirdPostWithinOneSecondAndAdmitItInTheNext() {
        // Given: the book's rule, 2 posts per second per user
        setRules(rule("posts-per-user", RateLimitAlgorithm.SLIDING_WINDOW_LOG, 2, false));

        // When: alice posts three times within 400 ms, then once more a second after her first post
        final RateLimitDecision first = check(postsBy("alice"), T0);
        final RateLimitDecision second = check(postsBy("alice"), T0.plusMillis(200));
        final RateLimitDecision third = check(postsBy("alice"), T0.plusMillis(400));
        final RateLimitDecision bob = check(postsBy("bob"), T0.plusMillis(400));
        final RateLimitDecision later = check(postsBy("alice"), T0.plusMillis(1_000));

        // Then: two pass, the third is over the limit until the first leaves the window; bob counts apart
        assertThat(first.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(first.getRemaining()).isEqualTo(1);
        assertThat(second.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(second.getRemaining()).isZero();
        assertThat(third.getCode()).isEqualTo(RateLimitCode.OVER_LIMIT);
        assertThat(third.getRetryAfterMillis()).isEqualTo(600);
        assertThat(third.getRule().getName()).isEqualTo("posts-per-user");
        assertThat(bob.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(later.getCode()).isEqualTo(RateLimitCode.OK);
        final List<RateLimitRejected> rejected = rejections.readValuesToList();
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).getRule()).isEqualTo("posts-per-user");
        assertThat(rejected.get(0).getShadow()).isFalse();
        assertThat(rejected.get(0).getDescriptor()).isEqualTo(postsBy("alice"));
        assertThat(metric("allowed-total", "eventline/posts-per-user")).isEqualTo(4);
        assertThat(metric("limited-total", "eventline/posts-per-user")).isEqualTo(1);
    }

    @Test
    void shouldAnswerARepeatedCheckWithItsRecordedDecisionAndCountItOnce() {
        // Given: 2 per second, and one admitted check
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 2, false));
        final RateLimitDecision original = check("replayed#0", postsBy("alice"), T0);

        // When: the same check is processed again (a replay after a crash), then a new one arrives
        final RateLimitDecision replayed = check("replayed#0", postsBy("alice"), T0.plusMillis(10));
        final RateLimitDecision next = check(postsBy("alice"), T0.plusMillis(20));

        // Then: the replay gets the very same answer and was not counted: the next check still fits
        assertThat(replayed).isEqualTo(original);
        assertThat(next.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(next.getRemaining()).isZero();
        assertThat(check(postsBy("alice"), T0.plusMillis(30)).getCode()).isEqualTo(RateLimitCode.OVER_LIMIT);
    }

    @Test
    void shouldCountButNeverRejectUnderAShadowRule() {
        // Given: a shadow rule of 1 per second
        setRules(rule("posts-shadow", RateLimitAlgorithm.TOKEN_BUCKET, 1, true));

        // When: three checks within a second
        final List<RateLimitDecision> out = List.of(check(postsBy("alice"), T0),
                check(postsBy("alice"), T0.plusMillis(100)), check(postsBy("alice"), T0.plusMillis(200)));

        // Then: all pass; the two over the limit are marked and reported as shadow rejections
        assertThat(out).extracting(RateLimitDecision::getCode).containsOnly(RateLimitCode.OK);
        assertThat(out).extracting(RateLimitDecision::getShadowLimited).containsExactly(false, true, true);
        assertThat(rejections.readValuesToList()).extracting(RateLimitRejected::getShadow).containsExactly(true, true);
        assertThat(metric("shadow-limited-total", "eventline/posts-shadow")).isEqualTo(2);
    }

    @Test
    void shouldApplyReplacedRulesToTheNextCheck() {
        // Given: 1 per second, used up
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 1, false));
        assertThat(check(postsBy("alice"), T0).getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(check(postsBy("alice"), T0.plusMillis(10)).getCode()).isEqualTo(RateLimitCode.OVER_LIMIT);

        // When: the domain's rules are replaced by 3 per second
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 3, false));

        // Then: the same window now admits up to 3
        final RateLimitDecision after = check(postsBy("alice"), T0.plusMillis(20));
        assertThat(after.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(after.getRule().getRequestsPerUnit()).isEqualTo(3);
        assertThat(after.getRemaining()).isEqualTo(1);
    }

    @Test
    void shouldAdmitDescriptorsNoRuleAppliesTo() {
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 1, false));

        final RateLimitDecision decision = check(List.of(new DescriptorEntry("endpoint", "GET /{code}"),
                new DescriptorEntry("user", "alice")), T0);

        assertThat(decision.getCode()).isEqualTo(RateLimitCode.OK);
        assertThat(decision.getRule()).isNull();
        assertThat(stateKeys()).as("nothing is kept for unlimited descriptors").isEmpty();
    }

    @Test
    void shouldSendACheckKeyedByAnotherCounterToTheDeadLetters() {
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 1, false));
        final RateLimitCheckRequested misrouted = RateLimitCheckRequested.newBuilder().setCheckId("x#0")
                .setRequestId("x").setTimestamp(T0).setDomain(DOMAIN).setDescriptor(postsBy("alice")).setHits(1)
                .build();

        checks.pipeInput("somewhere-else", misrouted, T0);

        assertThat(decisions.isEmpty()).isTrue();
        assertThat(stateKeys()).isEmpty();
        final TestOutputTopic<String, byte[]> deadLetters = driver.createOutputTopic(
                StreamsSettings.DEAD_LETTER_TOPIC, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        assertThat(deadLetters.readKeyValuesToList()).extracting(kv -> kv.key).containsExactly("somewhere-else");
        // the stream goes on with the next check
        assertThat(check(postsBy("alice"), T0).getCode()).isEqualTo(RateLimitCode.OK);
    }

    @Test
    void shouldSweepIdleCountersAndOldDecisionsByTheTimeIndex() {
        // Given: a counter and a recorded decision
        setRules(rule("posts-per-user", RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, 2, false));
        check(postsBy("alice"), T0);
        final String counter = RateLimitStores.counterEntry(RateLimitKeys.counterKey(DOMAIN, postsBy("alice")));
        assertThat(state().get(counter)).isNotNull();
        assertThat(stateKeys()).anyMatch(key -> key.charAt(0) == RateLimitStores.DECISION);

        // When: the counter's window has passed, but not the decisions' retention
        driver.advanceWallClockTime(Duration.ofSeconds(5).plus(RateLimitProcessor.SWEEP_INTERVAL));

        // Then: the counter is gone, the decision stays, each with one index entry at most
        assertThat(state().get(counter)).isNull();
        assertThat(stateKeys()).anyMatch(key -> key.charAt(0) == RateLimitStores.DECISION);
        assertThat(stateKeys()).filteredOn(key -> key.charAt(0) == RateLimitStores.EXPIRY).hasSize(1);

        // When: the retention of decisions has passed too
        driver.advanceWallClockTime(EventlineConfig.load(Map.of()).rateLimit().decisionRetention());

        // Then: the store is empty
        assertThat(stateKeys()).isEmpty();
    }

    @Test
    void shouldKeepOneIndexEntryPerLiveKeyWhileItIsHit() {
        setRules(rule("posts-per-user", RateLimitAlgorithm.TOKEN_BUCKET, 1_000, false));
        for (int i = 0; i < 50; i++) {
            check(postsBy("alice"), T0.plusMillis(100L * i));
        }
        final long counters = stateKeys().stream().filter(key -> key.charAt(0) == RateLimitStores.COUNTER).count();
        final long decisionsKept = stateKeys().stream().filter(key -> key.charAt(0) == RateLimitStores.DECISION)
                .count();
        final long index = stateKeys().stream().filter(key -> key.charAt(0) == RateLimitStores.EXPIRY).count();
        assertThat(counters).isEqualTo(1);
        assertThat(index).isEqualTo(counters + decisionsKept);
    }

    @Test
    void shouldSweepEntriesOfChecksFromThePastThatArriveAfterLaterSweeps() {
        // Given: the sweep has run for a while (and moved on past the present)
        setRules(rule("posts-per-user", RateLimitAlgorithm.FIXED_WINDOW, 2, false));
        final Duration retention = EventlineConfig.load(Map.of()).rateLimit().decisionRetention();
        driver.advanceWallClockTime(retention.plusMinutes(1));

        // When: a check made before the retention began arrives late (a backlog worked off after an outage)
        check(postsBy("alice"), T0);
        assertThat(stateKeys()).isNotEmpty();
        driver.advanceWallClockTime(RateLimitProcessor.SWEEP_INTERVAL);

        // Then: its counter and decision, already expired, are swept at once
        assertThat(stateKeys()).isEmpty();
    }
}
