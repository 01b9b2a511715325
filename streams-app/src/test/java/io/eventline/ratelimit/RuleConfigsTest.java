package io.eventline.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.eventline.ratelimit.InvalidRulesException.Violation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleConfigsTest {

    private static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String EXAMPLE = """
            domain: eventline
            descriptors:
              - key: endpoint
                value: "POST /api/v1/posts"
                descriptors:
                  - key: user
                    name: posts-per-user
                    rate_limit:
                      unit: second
                      requests_per_unit: 2
                      algorithm: sliding_window_log
                      burst: 4
                    shadow: false
                    failure_mode: open
            """;

    @Test
    void shouldParseTheExampleIntoOneFlatRule() {
        // Given
        final JsonNode config = yaml(EXAMPLE);

        // When
        final RateLimitRules rules = RuleConfigs.parseDomain(config, null, 7L, AT, "alice");

        // Then
        assertThat(rules.getDomain()).isEqualTo("eventline");
        assertThat(rules.getVersion()).isEqualTo(7L);
        assertThat(rules.getUpdatedAt()).isEqualTo(AT);
        assertThat(rules.getUpdatedBy()).isEqualTo("alice");
        assertThat(rules.getRules()).containsExactly(RateLimitRule.newBuilder()
                .setName("posts-per-user")
                .setMatch(List.of(match("endpoint", "POST /api/v1/posts"), match("user", null)))
                .setUnit(RateLimitUnit.SECOND)
                .setRequestsPerUnit(2)
                .setAlgorithm(RateLimitAlgorithm.SLIDING_WINDOW_LOG)
                .setBurst(4L)
                .setShadow(false)
                .setFailureMode(FailureMode.OPEN)
                .build());
    }

    @Test
    void shouldKeepUpdatedAtToTheMillisecondTheSchemaStores() {
        // Given
        final Instant precise = Instant.parse("2026-03-01T12:00:00.123456789Z");

        // When
        final RateLimitRules rules = RuleConfigs.parseDomain(yaml(EXAMPLE), null, 1L, precise, null);

        // Then
        assertThat(rules.getUpdatedAt()).isEqualTo(Instant.parse("2026-03-01T12:00:00.123Z"));
    }

    @Test
    void shouldApplyDefaultsAndReadSymbolsCaseInsensitively() {
        // Given
        final String config = """
                domain: d
                descriptors:
                  - key: endpoint
                    value: "POST /api/v1/posts"
                    descriptors:
                      - key: user
                        rate_limit: {unit: Minute, requests_per_unit: 5}
                  - key: ip
                    rate_limit: {unit: HOUR, requests_per_unit: 9, algorithm: Fixed_Window}
                    failure_mode: CLOSED
                """;

        // When
        final List<RateLimitRule> rules = RuleConfigs.parseDomain(yaml(config), null, 1L, AT, null).getRules();

        // Then
        assertThat(rules).hasSize(2);
        final RateLimitRule perUser = rules.get(0);
        assertThat(perUser.getName()).isEqualTo("endpoint=POST /api/v1/posts/user");
        assertThat(perUser.getUnit()).isEqualTo(RateLimitUnit.MINUTE);
        assertThat(perUser.getAlgorithm()).isEqualTo(RateLimitAlgorithm.TOKEN_BUCKET);
        assertThat(perUser.getBurst()).isNull();
        assertThat(perUser.getShadow()).isFalse();
        assertThat(perUser.getFailureMode()).isEqualTo(FailureMode.OPEN);
        final RateLimitRule perIp = rules.get(1);
        assertThat(perIp.getName()).isEqualTo("ip");
        assertThat(perIp.getUnit()).isEqualTo(RateLimitUnit.HOUR);
        assertThat(perIp.getAlgorithm()).isEqualTo(RateLimitAlgorithm.FIXED_WINDOW);
        assertThat(perIp.getFailureMode()).isEqualTo(FailureMode.CLOSED);
    }

    @Test
    void shouldFlattenEveryLimitedNodeIntoItsPathFromTheRoot() {
        // Given: a node with both a rate_limit and children, and a limit three levels down
        final String config = """
                domain: d
                descriptors:
                  - key: tenant
                    value: acme
                    rate_limit: {unit: second, requests_per_unit: 100}
                    descriptors:
                      - key: endpoint
                        descriptors:
                          - key: user
                            value: bob
                            name: bob-per-endpoint
                            rate_limit: {unit: second, requests_per_unit: 1}
                          - key: user
                            rate_limit: {unit: second, requests_per_unit: 10}
                  - key: tenant
                    rate_limit: {unit: second, requests_per_unit: 50}
                """;

        // When
        final List<RateLimitRule> rules = RuleConfigs.parseDomain(yaml(config), null, 1L, AT, null).getRules();

        // Then
        assertThat(rules).extracting(RateLimitRule::getName).containsExactly(
                "tenant=acme", "bob-per-endpoint", "tenant=acme/endpoint/user", "tenant");
        assertThat(rules).extracting(RateLimitRule::getMatch).containsExactly(
                List.of(match("tenant", "acme")),
                List.of(match("tenant", "acme"), match("endpoint", null), match("user", "bob")),
                List.of(match("tenant", "acme"), match("endpoint", null), match("user", null)),
                List.of(match("tenant", null)));
        assertThat(rules).extracting(RateLimitRule::getRequestsPerUnit).containsExactly(100L, 1L, 10L, 50L);
    }

    @Test
    void shouldAcceptEnvoysShadowModeAsSynonymOfShadow() {
        // Given
        final String config = """
                domain: d
                descriptors:
                  - key: a
                    rate_limit: {unit: second, requests_per_unit: 1}
                    shadow_mode: true
                  - key: b
                    rate_limit: {unit: second, requests_per_unit: 1}
                    shadow: true
                  - key: c
                    rate_limit: {unit: second, requests_per_unit: 1}
                """;

        // When
        final List<RateLimitRule> rules = RuleConfigs.parseDomain(yaml(config), null, 1L, AT, null).getRules();

        // Then
        assertThat(rules).extracting(RateLimitRule::getShadow).containsExactly(true, true, false);
    }

    @Test
    void shouldUseThePathDomainWhenTheBodyHasNone() {
        // Given
        final String config = "descriptors: [{key: ip, rate_limit: {unit: day, requests_per_unit: 10}}]";

        // When
        final RateLimitRules rules = RuleConfigs.parseDomain(yaml(config), "accounts", 1L, AT, null);

        // Then
        assertThat(rules.getDomain()).isEqualTo("accounts");
        assertThat(RuleConfigs.parseDomain(yaml("domain: accounts\n" + config), "accounts", 1L, AT, null))
                .isEqualTo(rules);
    }

    @Test
    void shouldRejectABodyNamingAnotherDomainThanThePath() {
        // Given
        final String config =
                "domain: rewards\ndescriptors: [{key: ip, rate_limit: {unit: day, requests_per_unit: 1}}]";

        // When
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseDomain(yaml(config), "accounts", 1L, AT,
                null));

        // Then
        assertThat(thrown.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo("/domain");
            assertThat(v.detail()).contains("rewards", "accounts");
        });
    }

    @Test
    void shouldAcceptAnEmptyDomainAsNoRules() {
        // Given / When
        final RateLimitRules rules = RuleConfigs.parseDomain(yaml("domain: d\ndescriptors: []"), null, 1L, AT, null);

        // Then
        assertThat(rules.getRules()).isEmpty();
    }

    @Test
    void shouldLoadTheBuiltInDefaults() {
        // Given / When
        final List<RateLimitRules> defaults = RuleConfigs.defaults(AT);

        // Then
        assertThat(defaults).extracting(RateLimitRules::getDomain).containsExactly("eventline", "accounts", "rewards");
        assertThat(defaults).allSatisfy(d -> {
            assertThat(d.getVersion()).isEqualTo(RuleConfigs.FILE_VERSION);
            assertThat(d.getUpdatedAt()).isEqualTo(AT);
            assertThat(d.getRules()).allSatisfy(r -> {
                assertThat(r.getShadow()).isFalse();
                assertThat(r.getFailureMode()).isEqualTo(FailureMode.OPEN);
            });
        });
        final List<RateLimitRule> eventline = defaults.get(0).getRules();
        assertThat(eventline).extracting(RateLimitRule::getName).containsExactlyInAnyOrder(
                "posts-per-user", "writes-per-user", "redirects-per-ip", "websocket-connects-per-ip",
                "unsubscribe-pages-per-ip", "unsubscribes-per-ip");
        assertThat(rule(eventline, "posts-per-user")).satisfies(r -> {
            assertThat(r.getMatch()).containsExactly(match("endpoint", "POST /api/v1/posts"), match("user", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.SECOND, 2L, RateLimitAlgorithm.SLIDING_WINDOW_LOG, null);
        });
        assertThat(rule(eventline, "writes-per-user")).satisfies(r -> {
            assertThat(r.getMatch()).containsExactly(match("endpoint", null), match("user", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.SECOND, 20L, RateLimitAlgorithm.TOKEN_BUCKET, 40L);
        });
        assertThat(rule(eventline, "redirects-per-ip")).satisfies(r -> {
            assertThat(r.getMatch()).containsExactly(match("endpoint", "GET /{code}"), match("ip", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.SECOND, 100L, RateLimitAlgorithm.TOKEN_BUCKET, 200L);
        });
        assertThat(rule(eventline, "websocket-connects-per-ip")).satisfies(r -> {
            assertThat(r.getMatch()).containsExactly(match("endpoint", "GET /ws"), match("ip", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.MINUTE, 60L,
                    RateLimitAlgorithm.SLIDING_WINDOW_COUNTER, null);
        });
        assertThat(defaults.get(1).getRules()).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo("accounts-per-ip");
            assertThat(r.getMatch()).containsExactly(match("ip", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.DAY, 10L, RateLimitAlgorithm.SLIDING_WINDOW_COUNTER,
                    null);
        });
        assertThat(defaults.get(2).getRules()).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo("rewards-per-device");
            assertThat(r.getMatch()).containsExactly(match("device", null));
            assertThat(shape(r)).containsExactly(RateLimitUnit.WEEK, 5L, RateLimitAlgorithm.SLIDING_WINDOW_LOG, null);
        });
    }

    @Test
    void shouldParseAFileOfSeveralYamlDocuments() {
        // Given
        final String file = """
                domain: one
                descriptors: [{key: ip, rate_limit: {unit: second, requests_per_unit: 1}}]
                ---
                - domain: two
                  descriptors: [{key: ip, rate_limit: {unit: second, requests_per_unit: 2}}]
                - domain: three
                  descriptors: [{key: ip, rate_limit: {unit: second, requests_per_unit: 3}}]
                ---
                """;

        // When
        final List<RateLimitRules> domains = RuleConfigs.parseFile(file, AT);

        // Then
        assertThat(domains).extracting(RateLimitRules::getDomain).containsExactly("one", "two", "three");
        assertThat(domains).extracting(d -> d.getRules().get(0).getRequestsPerUnit()).containsExactly(1L, 2L, 3L);
    }

    @Test
    void shouldParseASequenceFileInYamlOrJson() {
        // Given
        final String yamlFile = """
                - domain: one
                  descriptors: [{key: ip, rate_limit: {unit: second, requests_per_unit: 1}}]
                - domain: two
                """;
        final String jsonFile = """
                [{"domain": "one", "descriptors": [{"key": "ip", "rate_limit": {"unit": "second",
                  "requests_per_unit": 1}}]}, {"domain": "two"}]
                """;

        // When
        final List<RateLimitRules> fromYaml = RuleConfigs.parseFile(yamlFile, AT);
        final List<RateLimitRules> fromJson = RuleConfigs.parseFile(jsonFile, AT);

        // Then
        assertThat(fromYaml).extracting(RateLimitRules::getDomain).containsExactly("one", "two");
        assertThat(fromYaml.get(1).getRules()).isEmpty();
        assertThat(fromJson).isEqualTo(fromYaml);
    }

    @Test
    void shouldRejectADomainDefinedTwiceInAFile() {
        // Given
        final String file = """
                domain: one
                ---
                - domain: two
                - domain: one
                """;

        // When
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseFile(file, AT));

        // Then
        assertThat(thrown.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo("/1/1/domain");
            assertThat(v.detail()).contains("'one'", "already defined");
        });
    }

    @Test
    void shouldPointIntoTheSequenceOfAFile() {
        // Given
        final String file = """
                - domain: one
                - domain: two
                  descriptors: [{key: ip, rate_limit: {unit: fortnight, requests_per_unit: 1}}]
                """;

        // When
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseFile(file, AT));

        // Then
        assertThat(thrown.violations()).extracting(Violation::pointer)
                .containsExactly("/1/descriptors/0/rate_limit/unit");
    }

    @Test
    void shouldReportSyntaxErrorsAndRepeatedKeysAsViolations() {
        // Given
        final String broken = "domain: one\ndescriptors: [{key: ip";
        final String repeated = """
                domain: one
                descriptors:
                  - key: ip
                    rate_limit: {unit: second, requests_per_unit: 1}
                    rate_limit: {unit: day, requests_per_unit: 1}
                """;

        // When
        final InvalidRulesException syntax = invalid(() -> RuleConfigs.parseFile(broken, AT));
        final InvalidRulesException duplicate = invalid(() -> RuleConfigs.parseFile(repeated, AT));

        // Then
        assertThat(syntax.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEmpty();
            assertThat(v.detail()).startsWith("is not valid YAML at line");
        });
        assertThat(duplicate.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEmpty();
            assertThat(v.detail()).contains("line 5", "Duplicate field 'rate_limit'");
        });
    }

    @Test
    void shouldRenderTheNestedShapeWithVersionAndUpdatedAt() {
        // Given
        final RateLimitRules rules = RuleConfigs.parseDomain(yaml(EXAMPLE), null, 3L, AT, "bob");

        // When
        final ObjectNode rendered = RuleConfigs.render(rules, JSON);

        // Then
        assertThat(rendered.get("domain").asText()).isEqualTo("eventline");
        assertThat(rendered.get("version").asLong()).isEqualTo(3L);
        assertThat(rendered.get("updatedAt").asText()).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(rendered.get("updatedBy").asText()).isEqualTo("bob");
        final JsonNode endpoint = rendered.at("/descriptors/0");
        assertThat(endpoint.get("key").asText()).isEqualTo("endpoint");
        assertThat(endpoint.get("value").asText()).isEqualTo("POST /api/v1/posts");
        assertThat(endpoint.has("rate_limit")).isFalse();
        final JsonNode user = endpoint.at("/descriptors/0");
        assertThat(user.has("value")).isFalse();
        assertThat(user.get("name").asText()).isEqualTo("posts-per-user");
        assertThat(user.at("/rate_limit/unit").asText()).isEqualTo("second");
        assertThat(user.at("/rate_limit/requests_per_unit").asLong()).isEqualTo(2L);
        assertThat(user.at("/rate_limit/algorithm").asText()).isEqualTo("sliding_window_log");
        assertThat(user.at("/failure_mode").asText()).isEqualTo("open");
    }

    @Test
    void shouldParseWhatItRendersIntoTheSameRules() {
        // Given: the defaults, plus shared prefixes, a limit with children, derived names, shadow and closed
        final String config = """
                domain: d
                descriptors:
                  - key: tenant
                    value: acme
                    rate_limit: {unit: hour, requests_per_unit: 1000, algorithm: leaking_bucket, burst: 7}
                    shadow_mode: true
                    descriptors:
                      - key: user
                        rate_limit: {unit: week, requests_per_unit: 3, algorithm: fixed_window}
                        failure_mode: closed
                      - key: user
                        value: root
                        name: root-user
                        rate_limit: {unit: minute, requests_per_unit: 1}
                  - key: tenant
                    descriptors:
                      - key: user
                        rate_limit: {unit: day, requests_per_unit: 5}
                """;
        final List<RateLimitRules> originals = new ArrayList<>(RuleConfigs.defaults(AT));
        originals.add(RuleConfigs.parseDomain(yaml(config), null, 9L, AT, "carol"));

        for (RateLimitRules original : originals) {
            // When
            final ObjectNode rendered = RuleConfigs.render(original, JSON);
            final RateLimitRules reparsed = RuleConfigs.parseDomain(rendered, original.getDomain(),
                    original.getVersion(), original.getUpdatedAt(), original.getUpdatedBy());

            // Then
            assertThat(reparsed).isEqualTo(original);
        }
    }

    @Test
    void shouldRejectRenderingTwoRulesWithOnePath() {
        // Given
        final RateLimitRule rule = RuleConfigs.parseDomain(
                yaml("domain: d\ndescriptors: [{key: ip, rate_limit: {unit: second, requests_per_unit: 1}}]"),
                null, 1L, AT, null).getRules().get(0);
        final RateLimitRules twice = RateLimitRules.newBuilder().setDomain("d").setVersion(1L).setUpdatedAt(AT)
                .setRules(List.of(rule, new RateLimitRule("other", rule.getMatch(), rule.getUnit(),
                        rule.getRequestsPerUnit(), rule.getAlgorithm(), rule.getBurst(), rule.getShadow(),
                        rule.getFailureMode())))
                .build();

        // When / Then
        assertThatThrownBy(() -> RuleConfigs.render(twice, JSON))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same path");
    }

    static Stream<Arguments> invalidConfigs() {
        final String k65 = "k".repeat(65);
        final String v513 = "v".repeat(513);
        return Stream.of(
                bad("domain: 'bad domain!'", "/domain", "A-Z"),
                bad("domain: " + "d".repeat(65), "/domain", "1 to 64"),
                bad("descriptors: []", "/domain", "required"),
                bad("domain: [x]", "/domain", "must be a string"),
                bad("domain: d\ndescriptor: []", "/descriptor", "not a known field"),
                bad("domain: d\ndescriptors: {key: ip}", "/descriptors", "list"),
                bad(one("value: x\n  rate_limit: {unit: second, requests_per_unit: 1}"), "/descriptors/0/key",
                        "required"),
                bad(node("key: " + k65), "/descriptors/0/key", "1 to 64"),
                bad(node("key: \"a\\0b\""), "/descriptors/0/key", "NUL"),
                bad(node("key: ip\n  value: ''"), "/descriptors/0/value", "1 to 512"),
                bad(node("key: ip\n  value: " + v513), "/descriptors/0/value", "1 to 512"),
                bad(node("key: ip\n  value: \"1\\0\""), "/descriptors/0/value", "NUL"),
                bad(node("key: port\n  value: 80"), "/descriptors/0/value", "quote it"),
                bad(node("key: ip\n  rate_limt: {unit: second}"), "/descriptors/0/rate_limt", "not a known field"),
                bad(limit("unit: second, requests_per_unit: 1, burts: 2"), "/descriptors/0/rate_limit/burts",
                        "not a known field"),
                bad(limit("unit: fortnight, requests_per_unit: 1"), "/descriptors/0/rate_limit/unit",
                        "second, minute, hour, day, week"),
                bad(limit("requests_per_unit: 1"), "/descriptors/0/rate_limit/unit", "required"),
                bad(limit("unit: second"), "/descriptors/0/rate_limit/requests_per_unit", "required"),
                bad(limit("unit: second, requests_per_unit: 0"), "/descriptors/0/rate_limit/requests_per_unit",
                        "1 to 1000000000"),
                bad(limit("unit: second, requests_per_unit: 1000000001"),
                        "/descriptors/0/rate_limit/requests_per_unit", "1 to 1000000000"),
                bad(limit("unit: second, requests_per_unit: 2.5"), "/descriptors/0/rate_limit/requests_per_unit",
                        "whole number"),
                bad(limit("unit: second, requests_per_unit: '5'"), "/descriptors/0/rate_limit/requests_per_unit",
                        "whole number"),
                bad(limit("unit: second, requests_per_unit: 1, burst: 0"), "/descriptors/0/rate_limit/burst",
                        "1 to 1000000000"),
                bad(limit("unit: second, requests_per_unit: 1, burst: 1000000001"),
                        "/descriptors/0/rate_limit/burst", "1 to 1000000000"),
                bad(limit("unit: second, requests_per_unit: 10001, algorithm: sliding_window_log"),
                        "/descriptors/0/rate_limit/requests_per_unit", "memory"),
                bad(limit("unit: second, requests_per_unit: 1, algorithm: gcra"),
                        "/descriptors/0/rate_limit/algorithm", "sliding_window_counter"),
                bad(one("key: ip\n  rate_limit: 5"), "/descriptors/0/rate_limit", "object"),
                bad(one("key: ip\n  rate_limit: {unit: second, requests_per_unit: 1}\n  failure_mode: maybe"),
                        "/descriptors/0/failure_mode", "open, closed"),
                bad(one("key: ip\n  rate_limit: {unit: second, requests_per_unit: 1}\n  shadow: 'yes'"),
                        "/descriptors/0/shadow", "true or false"),
                bad(one("key: ip\n  rate_limit: {unit: second, requests_per_unit: 1}\n  shadow: true\n"
                        + "  shadow_mode: true"), "/descriptors/0/shadow_mode", "only one"),
                bad(one("key: ip\n  name: ''\n  rate_limit: {unit: second, requests_per_unit: 1}"),
                        "/descriptors/0/name", "1 to 128"),
                bad(one("key: ip\n  name: x\n  descriptors: [{key: u, rate_limit: {unit: second, "
                        + "requests_per_unit: 1}}]"), "/descriptors/0/name", "with a rate_limit"),
                bad(one("key: ip"), "/descriptors/0", "limits nothing"),
                bad("domain: d\ndescriptors: [ip]", "/descriptors/0", "must be an object"),
                bad("domain: d\ndescriptors:\n"
                        + "- {key: ip, name: n, rate_limit: {unit: second, requests_per_unit: 1}}\n"
                        + "- {key: user, name: n, rate_limit: {unit: second, requests_per_unit: 1}}",
                        "/descriptors/1/name", "already used by /descriptors/0"),
                bad("domain: d\ndescriptors:\n"
                        + "- {key: ip, value: a, rate_limit: {unit: second, requests_per_unit: 1}}\n"
                        + "- {key: ip, rate_limit: {unit: second, requests_per_unit: 1}}\n"
                        + "- {key: ip, value: a, rate_limit: {unit: day, requests_per_unit: 1}}",
                        "/descriptors/2", "sibling /descriptors/0"),
                bad("domain: d\ndescriptors:\n"
                        + "- {key: ip, rate_limit: {unit: second, requests_per_unit: 1}}\n"
                        + "- {key: ip, name: other, rate_limit: {unit: second, requests_per_unit: 1}}",
                        "/descriptors/1", "sibling /descriptors/0"),
                bad(nested(9), "/descriptors/0" + "/descriptors/0".repeat(8), "at most 8"),
                bad("- domain: d", "", "must be an object"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidConfigs")
    void shouldRejectEachInvalidConfigWithAViolationAtItsPointer(String config, String pointer, String detail) {
        // Given
        final JsonNode tree = yaml(config);

        // When
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseDomain(tree, null, 1L, AT, null));

        // Then
        assertThat(thrown.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo(pointer);
            assertThat(v.detail()).contains(detail);
        });
        assertThat(thrown).hasMessageContaining(detail);
    }

    @Test
    void shouldAcceptEveryLimitAtItsBoundary() {
        // Given
        final String config = "domain: " + "d".repeat(64) + "\ndescriptors:\n"
                + "- key: " + "k".repeat(64) + "\n  value: " + "v".repeat(512) + "\n"
                + "  name: " + "n".repeat(128) + "\n"
                + "  rate_limit: {unit: second, requests_per_unit: 1000000000, burst: 1000000000}\n"
                + "- key: log\n  rate_limit: {unit: week, requests_per_unit: 10000, algorithm: sliding_window_log}\n";

        // When
        final RateLimitRules rules = RuleConfigs.parseDomain(yaml(config), null, 1L, AT, null);
        final RateLimitRules deepest = RuleConfigs.parseDomain(yaml(nested(8)), null, 1L, AT, null);

        // Then
        assertThat(rules.getRules()).hasSize(2);
        assertThat(deepest.getRules()).singleElement().satisfies(r -> assertThat(r.getMatch()).hasSize(8));
    }

    @Test
    void shouldCollectEveryViolationNotJustTheFirst() {
        // Given
        final String config = """
                domain: "no spaces"
                extra: 1
                descriptors:
                  - key: endpoint
                    value: ""
                    descriptors:
                      - key: user
                        rate_limit: {unit: fortnight, requests_per_unit: 0, algorithm: sliding_window_log}
                        failure_mode: sideways
                  - key: ip
                    rate_limit: {unit: second, requests_per_unit: 20000, algorithm: sliding_window_log}
                """;

        // When
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseDomain(yaml(config), null, 1L, AT,
                null));

        // Then
        assertThat(thrown.violations()).extracting(Violation::pointer).containsExactlyInAnyOrder(
                "/extra",
                "/domain",
                "/descriptors/0/value",
                "/descriptors/0/descriptors/0/rate_limit/unit",
                "/descriptors/0/descriptors/0/rate_limit/requests_per_unit",
                "/descriptors/0/descriptors/0/failure_mode",
                "/descriptors/1/rate_limit/requests_per_unit");
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("7 problems");
    }

    @Test
    void shouldRejectMoreThanAThousandRulesInADomain() {
        // Given
        final ObjectNode config = JSON.createObjectNode().put("domain", "d");
        final ArrayNode descriptors = config.putArray("descriptors");
        for (int i = 0; i < 1000; i++) {
            descriptors.addObject().put("key", "k" + i).putObject("rate_limit")
                    .put("unit", "second").put("requests_per_unit", 1);
        }
        final int accepted = RuleConfigs.parseDomain(config, null, 1L, AT, null).getRules().size();

        // When
        descriptors.addObject().put("key", "one-too-many").putObject("rate_limit")
                .put("unit", "second").put("requests_per_unit", 1);
        final InvalidRulesException thrown = invalid(() -> RuleConfigs.parseDomain(config, null, 1L, AT, null));

        // Then
        assertThat(accepted).isEqualTo(1000);
        assertThat(thrown.violations()).singleElement().satisfies(v -> {
            assertThat(v.pointer()).isEqualTo("/descriptors");
            assertThat(v.detail()).contains("1001", "1000");
        });
    }

    private static Arguments bad(String config, String pointer, String detail) {
        return Arguments.of(config, pointer, detail);
    }

    /** A domain with a single descriptor whose body (indented by two spaces after the first line) is given. */
    private static String one(String body) {
        return "domain: d\ndescriptors:\n- " + body + "\n";
    }

    /** One descriptor with the given key lines and a valid limit. */
    private static String node(String keyLines) {
        return one(keyLines + "\n  rate_limit: {unit: second, requests_per_unit: 1}");
    }

    /** One descriptor, key ip, with the given rate_limit fields. */
    private static String limit(String fields) {
        return one("key: ip\n  rate_limit: {" + fields + "}");
    }

    /** A chain of {@code depth} descriptors, the deepest limited. */
    private static String nested(int depth) {
        final StringBuilder yaml = new StringBuilder("domain: d\n");
        for (int level = 0; level < depth; level++) {
            final String indent = "  ".repeat(level);
            yaml.append(indent).append("descriptors:\n").append(indent).append("- key: level").append(level)
                    .append('\n');
        }
        yaml.append("  ".repeat(depth)).append("rate_limit: {unit: second, requests_per_unit: 1}\n");
        return yaml.toString();
    }

    private static RateLimitRule rule(List<RateLimitRule> rules, String name) {
        return rules.stream().filter(r -> r.getName().equals(name)).findFirst().orElseThrow();
    }

    private static List<Object> shape(RateLimitRule rule) {
        return Arrays.asList(rule.getUnit(), rule.getRequestsPerUnit(), rule.getAlgorithm(), rule.getBurst());
    }

    private static DescriptorMatch match(String key, String value) {
        return new DescriptorMatch(key, value);
    }

    private static InvalidRulesException invalid(ThrowingCallable call) {
        final Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(InvalidRulesException.class);
        return (InvalidRulesException) thrown;
    }

    private static JsonNode yaml(String text) {
        try {
            return YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
