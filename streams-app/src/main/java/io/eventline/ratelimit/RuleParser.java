package io.eventline.ratelimit;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.ratelimit.InvalidRulesException.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Walks one domain's config tree into flat rules, collecting every violation on the way. */
final class RuleParser {
    static final int MAX_KEY_LENGTH = 64;
    static final int MAX_VALUE_LENGTH = 512;
    static final int MAX_NAME_LENGTH = 128;
    static final int MAX_DEPTH = 8;
    static final long MAX_REQUESTS_PER_UNIT = 1_000_000_000L;
    static final long MAX_BURST = 1_000_000_000L;
    static final long MAX_SLIDING_WINDOW_LOG_REQUESTS = 10_000L;
    static final int MAX_RULES = 1_000;

    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** version, updatedAt and updatedBy are written by render; on input they are ignored, the caller sets them. */
    private static final List<String> DOMAIN_FIELDS =
            List.of("domain", "descriptors", "version", "updatedAt", "updatedBy");
    private static final List<String> NODE_FIELDS = List.of("key", "value", "name", "rate_limit", "shadow",
            "shadow_mode", "failure_mode", "descriptors");
    private static final List<String> LIMIT_FIELDS = List.of("unit", "requests_per_unit", "algorithm", "burst");
    private static final List<String> LIMIT_ONLY_FIELDS = List.of("name", "shadow", "shadow_mode", "failure_mode");
    private static final int MAX_QUOTED = 80;

    /** A domain's name (null when it was invalid) and its rules (complete only when no violation was added). */
    record Parsed(String domain, List<RateLimitRule> rules) {
    }

    private final String base;
    private final List<Violation> violations;
    private final List<RateLimitRule> rules = new ArrayList<>();
    private final Map<String, String> namePointers = new HashMap<>();
    private int limitedNodes;

    private RuleParser(String base, List<Violation> violations) {
        this.base = base;
        this.violations = violations;
    }

    /**
     * @param base JSON pointer of the config within its file, {@code ""} for a config on its own
     * @param violations where problems are added; the result is usable only if none were
     */
    static Parsed parse(JsonNode config, String pathDomain, String base, List<Violation> violations) {
        final RuleParser parser = new RuleParser(base, violations);
        final String domain = parser.domain(config, pathDomain);
        if (config != null && config.isObject()) {
            parser.descriptors(config, "", List.of(), 1);
            if (parser.limitedNodes > MAX_RULES) {
                parser.add("/descriptors", "has " + parser.limitedNodes + " rules; a domain may have at most "
                        + MAX_RULES);
            }
        }
        return new Parsed(domain, List.copyOf(parser.rules));
    }

    /** The name a rule gets when the config gives none: its path, e.g. {@code endpoint=POST /api/v1/posts/user}. */
    static String defaultName(List<DescriptorMatch> path) {
        return path.stream()
                .map(m -> m.getValue() == null ? m.getKey() : m.getKey() + "=" + m.getValue())
                .collect(Collectors.joining("/"));
    }

    static String lower(Enum<?> symbol) {
        return symbol.name().toLowerCase(Locale.ROOT);
    }

    private String domain(JsonNode config, String pathDomain) {
        if (config == null || !config.isObject()) {
            add("", "must be an object with domain and descriptors");
            return null;
        }
        unknownFields(config, "", DOMAIN_FIELDS);
        final JsonNode node = present(config, "domain");
        final String domain;
        if (node == null) {
            if (pathDomain == null) {
                add("/domain", "is required");
                return null;
            }
            domain = pathDomain;
        } else if (!node.isTextual()) {
            add("/domain", "must be a string");
            return null;
        } else {
            domain = node.textValue();
            if (pathDomain != null && !pathDomain.equals(domain)) {
                add("/domain", "is " + quote(domain) + " but the path names " + quote(pathDomain));
                return null;
            }
        }
        if (!DOMAIN.matcher(domain).matches()) {
            add("/domain", "must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-', got " + quote(domain));
            return null;
        }
        return domain;
    }

    /** @param path the parent's path, or null when the parent's key or value was invalid */
    private void descriptors(JsonNode parent, String pointer, List<DescriptorMatch> path, int depth) {
        final JsonNode list = present(parent, "descriptors");
        if (list == null) {
            return;
        }
        final String listPointer = pointer + "/descriptors";
        if (!list.isArray()) {
            add(listPointer, "must be a list of descriptors");
            return;
        }
        final Map<List<String>, String> siblings = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            node(list.get(i), listPointer + "/" + i, path, depth, siblings);
        }
    }

    private void node(JsonNode node, String pointer, List<DescriptorMatch> path, int depth,
                      Map<List<String>, String> siblings) {
        if (!node.isObject()) {
            add(pointer, "must be an object with a key and optionally value, rate_limit and descriptors");
            return;
        }
        if (depth > MAX_DEPTH) {
            add(pointer, "is nested " + depth + " levels deep; descriptors may nest at most " + MAX_DEPTH);
            return;
        }
        unknownFields(node, pointer, NODE_FIELDS);
        final int before = violations.size();
        final String key = string(node, "key", pointer, MAX_KEY_LENGTH, true);
        final String value = string(node, "value", pointer, MAX_VALUE_LENGTH, false);
        boolean identified = violations.size() == before;
        if (identified) {
            final String previous = siblings.putIfAbsent(Arrays.asList(key, value), pointer);
            if (previous != null) {
                add(pointer, "repeats the key" + (value == null ? "" : " and value") + " of its sibling "
                        + previous);
                identified = false;
            }
        }
        // null: the path is unknown, so no default names are derived below and no rules are built
        final List<DescriptorMatch> here = path == null || !identified ? null : append(path, key, value);

        final JsonNode limit = present(node, "rate_limit");
        final JsonNode children = present(node, "descriptors");
        if (limit != null) {
            limitedNodes++;
            rule(node, pointer, limit, here);
        } else {
            for (String field : LIMIT_ONLY_FIELDS) {
                if (present(node, field) != null) {
                    add(pointer + "/" + field, "applies only to a descriptor with a rate_limit");
                }
            }
            if (children == null || children.isArray() && children.isEmpty()) {
                // Envoy reads such a leaf as "unlimited"; flat rules cannot carry that, so it would vanish silently
                add(pointer, "has neither rate_limit nor descriptors, so it limits nothing");
            }
        }
        descriptors(node, pointer, here, depth + 1);
    }

    private void rule(JsonNode node, String pointer, JsonNode limit, List<DescriptorMatch> path) {
        final String limitPointer = pointer + "/rate_limit";
        final RateLimitRule.Builder rule = RateLimitRule.newBuilder();
        final int before = violations.size();
        if (limit.isObject()) {
            limit(limit, limitPointer, rule);
        } else {
            add(limitPointer, "must be an object with unit and requests_per_unit");
        }
        final JsonNode shadow = present(node, "shadow");
        final JsonNode shadowMode = present(node, "shadow_mode");
        if (shadow != null && shadowMode != null) {
            add(pointer + "/shadow_mode", "is a synonym of shadow; give only one of them");
        }
        final Boolean shadowed = bool(node, shadow != null ? "shadow" : "shadow_mode", pointer);
        rule.setShadow(shadowed != null && shadowed);
        final FailureMode failureMode = symbol(node, "failure_mode", pointer, FailureMode.class, FailureMode.OPEN);
        if (failureMode != null) {
            rule.setFailureMode(failureMode);
        }

        final String explicitName = string(node, "name", pointer, MAX_NAME_LENGTH, false);
        final String name = explicitName != null ? explicitName : path == null ? null : defaultName(path);
        if (name != null) {
            final String namePointer = explicitName != null ? pointer + "/name" : pointer;
            final String previous = namePointers.putIfAbsent(name, namePointer);
            if (previous != null) {
                add(namePointer, "rule name " + quote(name) + " is already used by " + previous
                        + (explicitName == null ? "; give this rule a name" : ""));
            }
        }
        if (violations.size() == before && path != null && name != null) {
            rules.add(rule.setName(name).setMatch(path).build());
        }
    }

    private void limit(JsonNode limit, String pointer, RateLimitRule.Builder rule) {
        unknownFields(limit, pointer, LIMIT_FIELDS);
        final RateLimitUnit unit = symbol(limit, "unit", pointer, RateLimitUnit.class, null);
        final Long requests = number(limit, "requests_per_unit", pointer, MAX_REQUESTS_PER_UNIT, true);
        final RateLimitAlgorithm algorithm =
                symbol(limit, "algorithm", pointer, RateLimitAlgorithm.class, RateLimitAlgorithm.TOKEN_BUCKET);
        final Long burst = number(limit, "burst", pointer, MAX_BURST, false);
        if (algorithm == RateLimitAlgorithm.SLIDING_WINDOW_LOG && requests != null
                && requests > MAX_SLIDING_WINDOW_LOG_REQUESTS) {
            add(pointer + "/requests_per_unit", "is " + requests + " but sliding_window_log keeps a timestamp per "
                    + "request, so its memory grows with the limit; at most " + MAX_SLIDING_WINDOW_LOG_REQUESTS
                    + " (sliding_window_counter approximates it in constant memory)");
        }
        if (unit != null) {
            rule.setUnit(unit);
        }
        if (requests != null) {
            rule.setRequestsPerUnit(requests);
        }
        if (algorithm != null) {
            rule.setAlgorithm(algorithm);
        }
        rule.setBurst(burst);
    }

    private void unknownFields(JsonNode object, String pointer, List<String> known) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!known.contains(name)) {
                add(pointer + "/" + escape(name), "is not a known field; expected one of " + String.join(", ", known));
            }
        }
    }

    private String string(JsonNode object, String field, String pointer, int maxLength, boolean required) {
        final JsonNode node = present(object, field);
        final String fieldPointer = pointer + "/" + field;
        if (node == null) {
            if (required) {
                add(fieldPointer, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            add(fieldPointer, "must be a string" + (node.isValueNode() ? " (quote it)" : ""));
            return null;
        }
        final String text = node.textValue();
        if (text.isEmpty() || text.length() > maxLength) {
            add(fieldPointer, "must be 1 to " + maxLength + " characters long, got " + text.length());
            return null;
        }
        // NUL separates the parts of a counter key (RateLimitKeys)
        if (text.indexOf(RateLimitKeys.SEPARATOR) >= 0) {
            add(fieldPointer, "must not contain the NUL character");
            return null;
        }
        return text;
    }

    private Long number(JsonNode object, String field, String pointer, long max, boolean required) {
        final JsonNode node = present(object, field);
        final String fieldPointer = pointer + "/" + field;
        if (node == null) {
            if (required) {
                add(fieldPointer, "is required");
            }
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 1 || node.longValue() > max) {
            add(fieldPointer, "must be a whole number from 1 to " + max + ", got " + quote(node.toString()));
            return null;
        }
        return node.longValue();
    }

    private Boolean bool(JsonNode object, String field, String pointer) {
        final JsonNode node = present(object, field);
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            add(pointer + "/" + field, "must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    /** Case-insensitive; null when absent (then {@code fallback}, or a violation if there is none) or invalid. */
    private <E extends Enum<E>> E symbol(JsonNode object, String field, String pointer, Class<E> type, E fallback) {
        final JsonNode node = present(object, field);
        final String fieldPointer = pointer + "/" + field;
        if (node == null) {
            if (fallback == null) {
                add(fieldPointer, "is required");
            }
            return fallback;
        }
        if (node.isTextual()) {
            final String wanted = node.textValue().toUpperCase(Locale.ROOT);
            for (E symbol : type.getEnumConstants()) {
                if (symbol.name().equals(wanted)) {
                    return symbol;
                }
            }
        }
        final String allowed = Arrays.stream(type.getEnumConstants()).map(RuleParser::lower)
                .collect(Collectors.joining(", "));
        final String given = node.isTextual() ? node.textValue() : node.toString();
        add(fieldPointer, "must be one of " + allowed + ", got " + quote(given));
        return null;
    }

    private void add(String pointer, String detail) {
        violations.add(new Violation(base + pointer, detail));
    }

    private static JsonNode present(JsonNode object, String field) {
        final JsonNode node = object.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static List<DescriptorMatch> append(List<DescriptorMatch> path, String key, String value) {
        final List<DescriptorMatch> longer = new ArrayList<>(path.size() + 1);
        longer.addAll(path);
        longer.add(new DescriptorMatch(key, value));
        return List.copyOf(longer);
    }

    /** RFC 6901: '~' and '/' in a member name. */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private static String quote(String text) {
        return "'" + (text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text) + "'";
    }
}
