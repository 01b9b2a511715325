package io.eventline.ratelimit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.eventline.ratelimit.InvalidRulesException.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Rate-limit rules in the config shape of Envoy's ratelimit service (nested {@code descriptors}, each with a
 * {@code key}, an optional {@code value} and an optional {@code rate_limit}), extended with {@code name},
 * {@code algorithm}, {@code burst}, {@code shadow} and {@code failure_mode}. Parses configs into flat
 * {@link RateLimitRules}, validating them, and renders them back.
 */
public final class RuleConfigs {
    /** The classpath resource holding the built-in defaults. */
    public static final String DEFAULTS_RESOURCE = "ratelimit/default-rules.yaml";
    /** The version of every domain read by {@link #parseFile}. */
    public static final long FILE_VERSION = 1L;

    // a repeated key would otherwise let the last one win silently, e.g. a second rate_limit under one descriptor
    private static final ObjectReader YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readerFor(JsonNode.class);
    private static final ObjectReader JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build().readerFor(JsonNode.class);

    private RuleConfigs() {
    }

    /**
     * Parses one domain's config (JSON or YAML tree).
     *
     * @param pathDomain the domain named by the URL, or null; if the body names a different domain that is a
     *                   violation at {@code /domain}; if the body lacks a domain, this one is used
     * @throws InvalidRulesException with every problem found
     */
    public static RateLimitRules parseDomain(JsonNode config, String pathDomain, long version, Instant at,
                                             String updatedBy) {
        Objects.requireNonNull(at, "at");
        final List<Violation> violations = new ArrayList<>();
        final RuleParser.Parsed parsed = RuleParser.parse(config, pathDomain, "", violations);
        if (!violations.isEmpty()) {
            throw new InvalidRulesException(violations);
        }
        return record(parsed, version, at, updatedBy);
    }

    /**
     * A rules file: YAML (or JSON) holding one domain object, a sequence of them, or several YAML documents; each
     * domain at most once. Every domain gets version {@link #FILE_VERSION} and no updatedBy. In a file of several
     * documents, violation pointers start with the document's index, as if the documents were a sequence.
     *
     * @throws InvalidRulesException with every problem found, syntax errors included
     */
    public static List<RateLimitRules> parseFile(String text, Instant at) {
        Objects.requireNonNull(at, "at");
        final List<JsonNode> documents = documents(text);
        final List<Violation> violations = new ArrayList<>();
        final List<RuleParser.Parsed> domains = new ArrayList<>();
        final Map<String, String> seen = new HashMap<>();
        for (int d = 0; d < documents.size(); d++) {
            final JsonNode document = documents.get(d);
            final String pointer = documents.size() > 1 ? "/" + d : "";
            if (document.isArray()) {
                for (int i = 0; i < document.size(); i++) {
                    domain(document.get(i), pointer + "/" + i, violations, domains, seen);
                }
            } else {
                domain(document, pointer, violations, domains, seen);
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidRulesException(violations);
        }
        return domains.stream().map(parsed -> record(parsed, FILE_VERSION, at, null)).toList();
    }

    /** The built-in defaults, from the classpath resource {@value #DEFAULTS_RESOURCE}. */
    public static List<RateLimitRules> defaults(Instant at) {
        try (InputStream in = RuleConfigs.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + DEFAULTS_RESOURCE);
            }
            return parseFile(new String(in.readAllBytes(), StandardCharsets.UTF_8), at);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS_RESOURCE, e);
        }
    }

    /**
     * Back to the config shape (nested descriptors), plus {@code version} and {@code updatedAt} (ISO-8601) fields,
     * and {@code updatedBy} when known; {@code parseDomain} of the result yields the same rules. A rule's
     * {@code name} is written only when it differs from the one derived from its path.
     *
     * @throws IllegalArgumentException if a rule has an empty match or two rules share one path, neither of which
     *                                  a parsed config can hold
     */
    public static ObjectNode render(RateLimitRules rules, ObjectMapper json) {
        final ObjectNode root = json.createObjectNode();
        root.put("domain", rules.getDomain());
        root.put("version", rules.getVersion());
        root.put("updatedAt", rules.getUpdatedAt().toString());
        if (rules.getUpdatedBy() != null) {
            root.put("updatedBy", rules.getUpdatedBy());
        }
        final RenderNode tree = new RenderNode(null, null);
        for (RateLimitRule rule : rules.getRules()) {
            tree.place(rule);
        }
        final ArrayNode descriptors = root.putArray("descriptors");
        tree.children.values().forEach(child -> descriptors.add(child.toJson(json)));
        return root;
    }

    private static void domain(JsonNode config, String pointer, List<Violation> violations,
                               List<RuleParser.Parsed> domains, Map<String, String> seen) {
        final RuleParser.Parsed parsed = RuleParser.parse(config, null, pointer, violations);
        if (parsed.domain() == null) {
            return;
        }
        final String previous = seen.putIfAbsent(parsed.domain(), pointer);
        if (previous != null) {
            violations.add(new Violation(pointer + "/domain",
                    "domain '" + parsed.domain() + "' is already defined at " + previous));
        }
        domains.add(parsed);
    }

    private static List<JsonNode> documents(String text) {
        final String trimmed = text.strip();
        final ObjectReader reader = trimmed.startsWith("{") || trimmed.startsWith("[") ? JSON : YAML;
        try (MappingIterator<JsonNode> values = reader.readValues(text)) {
            return values.readAll().stream()
                    .filter(node -> !node.isNull() && !node.isMissingNode())
                    .toList();
        } catch (JsonProcessingException e) {
            final JsonLocation where = e.getLocation();
            final String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            throw new InvalidRulesException(List.of(new Violation("",
                    "is not valid " + (reader == JSON ? "JSON" : "YAML") + at + ": " + problem(e))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parser's message without the excerpts and locations SnakeYAML puts on indented lines. */
    private static String problem(JsonProcessingException e) {
        return e.getOriginalMessage().lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining("; "));
    }

    private static RateLimitRules record(RuleParser.Parsed parsed, long version, Instant at, String updatedBy) {
        return RateLimitRules.newBuilder()
                .setDomain(parsed.domain())
                .setVersion(version)
                // timestamp-millis: a finer instant would not survive the topic, and equality with it would break
                .setUpdatedAt(at.truncatedTo(ChronoUnit.MILLIS))
                .setUpdatedBy(updatedBy)
                .setRules(parsed.rules())
                .build();
    }

    /** One descriptor of the nested shape, gathered from the flat rules before it is written. */
    private static final class RenderNode {
        private final String key;
        private final String value;
        private final Map<List<String>, RenderNode> children = new LinkedHashMap<>();
        private RateLimitRule rule;

        private RenderNode(String key, String value) {
            this.key = key;
            this.value = value;
        }

        void place(RateLimitRule rule) {
            if (rule.getMatch().isEmpty()) {
                throw new IllegalArgumentException("rule '" + rule.getName() + "' matches no descriptor");
            }
            RenderNode node = this;
            for (DescriptorMatch match : rule.getMatch()) {
                node = node.children.computeIfAbsent(Arrays.asList(match.getKey(), match.getValue()),
                        k -> new RenderNode(match.getKey(), match.getValue()));
            }
            if (node.rule != null) {
                throw new IllegalArgumentException("rules '" + node.rule.getName() + "' and '" + rule.getName()
                        + "' have the same path");
            }
            node.rule = rule;
        }

        ObjectNode toJson(ObjectMapper json) {
            final ObjectNode node = json.createObjectNode();
            node.put("key", key);
            if (value != null) {
                node.put("value", value);
            }
            if (rule != null) {
                if (!rule.getName().equals(RuleParser.defaultName(rule.getMatch()))) {
                    node.put("name", rule.getName());
                }
                final ObjectNode limit = node.putObject("rate_limit");
                limit.put("unit", RuleParser.lower(rule.getUnit()));
                limit.put("requests_per_unit", rule.getRequestsPerUnit());
                limit.put("algorithm", RuleParser.lower(rule.getAlgorithm()));
                if (rule.getBurst() != null) {
                    limit.put("burst", rule.getBurst());
                }
                node.put("shadow", rule.getShadow());
                node.put("failure_mode", RuleParser.lower(rule.getFailureMode()));
            }
            if (!children.isEmpty()) {
                final ArrayNode nested = node.putArray("descriptors");
                children.values().forEach(child -> nested.add(child.toJson(json)));
            }
            return node;
        }
    }
}
