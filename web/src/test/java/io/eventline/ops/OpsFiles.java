package io.eventline.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The Prometheus files shipped in {@code ops/}: their rules, the dashboard's queries, and the metrics they read. */
final class OpsFiles {
    static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();
    static final Path PROMETHEUS_YML = OPS.resolve("prometheus.yml");
    static final List<Path> RULE_FILES = List.of(OPS.resolve("alerts/eventline.rules.yml"),
            OPS.resolve("rules/eventline.recording.yml"));
    static final Path DASHBOARD = OPS.resolve("dashboards/eventline.json");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LISTS =
            Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern NUMBERS = Pattern.compile("\\b\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?[smhdwy]?\\b");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    private OpsFiles() {
    }

    /** Every rule of the shipped rule files, alerting and recording. */
    static List<JsonNode> rules() {
        final List<JsonNode> rules = new ArrayList<>();
        for (Path file : RULE_FILES) {
            for (JsonNode group : read(YAML, file).path("groups")) {
                group.path("rules").forEach(rules::add);
            }
        }
        return rules;
    }

    /** The queries of every rule and every dashboard panel. */
    static List<String> expressions() {
        final List<String> expressions = new ArrayList<>(rules().stream().map(rule -> rule.path("expr").asText())
                .toList());
        for (JsonNode panel : read(JSON, DASHBOARD).path("panels")) {
            panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText()));
        }
        return expressions;
    }

    /** The series the recording rules make. */
    static Set<String> recorded() {
        final Set<String> names = new LinkedHashSet<>();
        rules().stream().filter(rule -> rule.has("record")).forEach(rule -> names.add(rule.path("record").asText()));
        return names;
    }

    /**
     * The metric names a PromQL expression reads: identifiers that are neither functions, keywords, label names
     * (in matchers and in by/on lists), strings nor durations.
     */
    static Set<String> metricNames(String expression) {
        String rest = STRING.matcher(expression).replaceAll("\"\"");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGES.matcher(rest).replaceAll(" ");
        rest = LABEL_LISTS.matcher(rest).replaceAll(" ");
        rest = NUMBERS.matcher(rest).replaceAll(" ");
        final Set<String> names = new LinkedHashSet<>();
        final Matcher name = NAME.matcher(rest);
        while (name.find()) {
            final boolean function = rest.substring(name.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.group().toLowerCase(java.util.Locale.ROOT))) {
                names.add(name.group());
            }
        }
        return names;
    }

    /** Every metric read by the rules and the dashboard that is not made by a recording rule. */
    static Set<String> exportedMetricsUsed() {
        final Set<String> recorded = recorded();
        final Set<String> names = new java.util.TreeSet<>();
        expressions().forEach(expression -> metricNames(expression).stream().filter(n -> !recorded.contains(n))
                .forEach(names::add));
        return names;
    }

    /** A copy of {@code ops/} in {@code dir}, with the metrics token file Prometheus reads. */
    static Path copyWithToken(Path dir, String token) throws IOException {
        try (Stream<Path> files = Files.walk(OPS)) {
            for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                final Path target = dir.resolve(OPS.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        Files.writeString(dir.resolve("eventline-metrics-token"), token);
        return dir;
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
