package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RuleMatcherTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

    private static final String RULES = """
            domain: test
            descriptors:
              - key: endpoint
                value: "POST /api/v1/posts"
                descriptors:
                  - key: user
                    name: exact-endpoint
                    rate_limit: {unit: second, requests_per_unit: 2}
              - key: endpoint
                descriptors:
                  - key: user
                    name: any-endpoint
                    rate_limit: {unit: second, requests_per_unit: 20}
                  - key: user
                    value: root
                    name: root-anywhere
                    rate_limit: {unit: second, requests_per_unit: 1000}
              - key: tenant
                name: per-tenant
                rate_limit: {unit: minute, requests_per_unit: 600}
                descriptors:
                  - key: user
                    name: per-tenant-user
                    rate_limit: {unit: minute, requests_per_unit: 60}
            """;

    @Test
    void shouldPreferTheExactValueOverTheKeyOnlySibling() {
        // Given
        final RuleMatcher matcher = matcher(RULES);

        // When
        final Optional<RateLimitRule> exact = matcher.match(descriptor("endpoint", "POST /api/v1/posts", "user", "a"));
        final Optional<RateLimitRule> exactLeaf = matcher.match(descriptor("endpoint", "GET /x", "user", "root"));

        // Then
        assertThat(exact).map(RateLimitRule::getName).contains("exact-endpoint");
        assertThat(exactLeaf).map(RateLimitRule::getName).contains("root-anywhere");
    }

    @Test
    void shouldMatchAnyValueWithAKeyOnlyDescriptor() {
        // Given
        final RuleMatcher matcher = matcher(RULES);

        // When
        final Optional<RateLimitRule> put = matcher.match(descriptor("endpoint", "PUT /api/v1/me", "user", "alice"));
        final Optional<RateLimitRule> del = matcher.match(descriptor("endpoint", "DELETE /api/v1/x", "user", "bob"));

        // Then
        assertThat(put).map(RateLimitRule::getName).contains("any-endpoint");
        assertThat(del).map(RateLimitRule::getName).contains("any-endpoint");
    }

    @Test
    void shouldMatchNothingForDescriptorsShorterOrLongerThanARulePath() {
        // Given
        final RuleMatcher matcher = matcher(RULES);

        // When / Then
        assertThat(matcher.match(descriptor("endpoint", "POST /api/v1/posts"))).isEmpty();
        assertThat(matcher.match(descriptor("endpoint", "PUT /api/v1/me"))).isEmpty();
        assertThat(matcher.match(descriptor("endpoint", "POST /api/v1/posts", "user", "a", "ip", "1.2.3.4")))
                .isEmpty();
        assertThat(matcher.match(descriptor("tenant", "acme", "user", "a", "ip", "1.2.3.4"))).isEmpty();
        assertThat(matcher.match(List.of())).isEmpty();
    }

    @Test
    void shouldMatchANodeThatHasBothALimitAndChildrenAtEitherDepth() {
        // Given
        final RuleMatcher matcher = matcher(RULES);

        // When / Then
        assertThat(matcher.match(descriptor("tenant", "acme"))).map(RateLimitRule::getName).contains("per-tenant");
        assertThat(matcher.match(descriptor("tenant", "acme", "user", "a"))).map(RateLimitRule::getName)
                .contains("per-tenant-user");
    }

    @Test
    void shouldNotBacktrackToTheKeyOnlySiblingOnceTheExactOneIsTaken() {
        // Given: the exact endpoint has a user child only; the key-only endpoint also has none for ip
        final RuleMatcher matcher = matcher("""
                domain: test
                descriptors:
                  - key: endpoint
                    value: "GET /{code}"
                    descriptors:
                      - key: ip
                        rate_limit: {unit: second, requests_per_unit: 100}
                  - key: endpoint
                    descriptors:
                      - key: user
                        rate_limit: {unit: second, requests_per_unit: 20}
                """);

        // When
        final Optional<RateLimitRule> result = matcher.match(descriptor("endpoint", "GET /{code}", "user", "a"));

        // Then
        assertThat(result).isEmpty();
    }

    @Test
    void shouldMatchEntriesInOrderOnly() {
        // Given
        final RuleMatcher matcher = matcher(RULES);

        // When
        final Optional<RateLimitRule> swapped = matcher.match(descriptor("user", "a", "endpoint", "PUT /x"));

        // Then
        assertThat(swapped).isEmpty();
    }

    @Test
    void shouldApplyTheDefaultRulesToTheWebLayersDescriptors() {
        // Given
        final List<RateLimitRules> defaults = RuleConfigs.defaults(AT);
        final RuleMatcher eventline = RuleMatcher.of(domain(defaults, "eventline"));
        final RuleMatcher accounts = RuleMatcher.of(domain(defaults, "accounts"));
        final RuleMatcher rewards = RuleMatcher.of(domain(defaults, "rewards"));

        // When / Then
        assertThat(name(eventline, "endpoint", "POST /api/v1/posts", "user", "alice")).contains("posts-per-user");
        assertThat(name(eventline, "endpoint", "PUT /api/v1/me/profile", "user", "alice")).contains("writes-per-user");
        assertThat(name(eventline, "endpoint", "GET /{code}", "ip", "1.2.3.4")).contains("redirects-per-ip");
        assertThat(name(eventline, "endpoint", "GET /ws", "ip", "1.2.3.4")).contains("websocket-connects-per-ip");
        assertThat(name(eventline, "endpoint", "GET /{code}", "user", "alice")).isEmpty();
        assertThat(name(eventline, "ip", "1.2.3.4")).isEmpty();
        assertThat(name(accounts, "ip", "1.2.3.4")).contains("accounts-per-ip");
        assertThat(name(rewards, "device", "d-42")).contains("rewards-per-device");
        assertThat(name(rewards, "ip", "1.2.3.4")).isEmpty();
    }

    @Test
    void shouldCarryTheDomainAndVersionOfItsRules() {
        // Given
        final RateLimitRules rules = RuleConfigs.parseDomain(tree(RULES), null, 42L, AT, null);

        // When
        final RuleMatcher matcher = RuleMatcher.of(rules);

        // Then
        assertThat(matcher.domain()).isEqualTo("test");
        assertThat(matcher.version()).isEqualTo(42L);
    }

    private static Optional<String> name(RuleMatcher matcher, String... keysAndValues) {
        return matcher.match(descriptor(keysAndValues)).map(RateLimitRule::getName);
    }

    private static RateLimitRules domain(List<RateLimitRules> all, String domain) {
        return all.stream().filter(r -> r.getDomain().equals(domain)).findFirst().orElseThrow();
    }

    private static RuleMatcher matcher(String yaml) {
        return RuleMatcher.of(RuleConfigs.parseDomain(tree(yaml), null, 1L, AT, null));
    }

    private static List<DescriptorEntry> descriptor(String... keysAndValues) {
        final List<DescriptorEntry> entries = new ArrayList<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            entries.add(new DescriptorEntry(keysAndValues[i], keysAndValues[i + 1]));
        }
        return entries;
    }

    private static JsonNode tree(String yaml) {
        try {
            return new YAMLMapper().readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
