package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.http.ProblemException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalAllowanceTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String SEND = "POST /api/v1/channels/{channelId}/messages";

    private final Map<String, RateLimitRules> domains = new HashMap<>();
    private final RateLimiter limiter = new RateLimiter(null, null, new RuleCache(domains::get), Duration.ofSeconds(1),
            Clock.systemUTC(), null);
    private Instant now = T0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private long version;

    /** Puts the rules in place as a new version, as an update through the rules topic does. */
    private void rules(String yaml) {
        version++;
        RuleConfigs.parseFile(yaml, T0).forEach(rules -> {
            rules.setVersion(version);
            domains.put(rules.getDomain(), rules);
        });
    }

    private static String perUser(String name, int perSecond, String extra) {
        return """
                - domain: eventline
                  descriptors:
                    - key: endpoint
                      descriptors:
                        - key: user
                          name: %s
                          rate_limit:
                            unit: second
                            requests_per_unit: %d
                            algorithm: token_bucket
                %s
                """.formatted(name, perSecond, extra);
    }

    @Test
    void shouldAdmitUpToTheRuleThenAnswer429UntilTokensReturn() {
        rules(perUser("writes-per-user", 3, ""));
        final LocalAllowance socket = new LocalAllowance(limiter, "eventline", SEND, "alice", clock);

        for (int i = 0; i < 3; i++) {
            assertThat(socket.take()).as("send %d", i + 1).isEmpty();
        }
        final Optional<ProblemException> refused = socket.take();

        assertThat(refused).hasValueSatisfying(problem -> {
            assertThat(problem.status()).isEqualTo(429);
            assertThat(problem.getMessage()).contains("writes-per-user");
            assertThat(problem.headers()).containsEntry("Retry-After", "1");
        });
        now = now.plusMillis(400);
        assertThat(socket.take()).as("a third of a second refills one token").isEmpty();
        assertThat(socket.take()).isPresent();
    }

    @Test
    void shouldCountEachHolderOnItsOwn() {
        rules(perUser("writes-per-user", 1, ""));
        final LocalAllowance first = new LocalAllowance(limiter, "eventline", SEND, "alice", clock);
        final LocalAllowance second = new LocalAllowance(limiter, "eventline", SEND, "alice", clock);

        assertThat(first.take()).isEmpty();
        assertThat(first.take()).isPresent();
        assertThat(second.take()).isEmpty();
    }

    @Test
    void shouldAdmitEverythingWithoutARuleOrUnderAShadowRule() {
        final LocalAllowance socket = new LocalAllowance(limiter, "eventline", SEND, "alice", clock);
        for (int i = 0; i < 100; i++) {
            assertThat(socket.take()).isEmpty();
        }

        rules(perUser("writes-per-user", 1, "          shadow: true"));
        for (int i = 0; i < 10; i++) {
            assertThat(socket.take()).isEmpty();
        }
    }

    @Test
    void shouldStartAFreshCountWhenTheRuleChanges() {
        rules(perUser("writes-per-user", 1, ""));
        final LocalAllowance socket = new LocalAllowance(limiter, "eventline", SEND, "alice", clock);
        assertThat(socket.take()).isEmpty();
        assertThat(socket.take()).isPresent();

        rules(perUser("sends-per-user", 2, ""));

        assertThat(socket.take()).isEmpty();
        assertThat(socket.take()).isEmpty();
        assertThat(socket.take()).isPresent();
        assertThat(List.of(domains.get("eventline").getRules().get(0).getName())).containsExactly("sends-per-user");
    }
}
