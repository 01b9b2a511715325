package io.eventline.crawler;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventline.http.ProblemException;
import io.eventline.http.ProblemException.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the body of {@code POST /api/v1/crawls} into a crawl, or refuses it with every defect found. */
final class CrawlRequests {
    static final int MAX_SEEDS = 100;
    static final int MAX_SCOPE_ENTRIES = 100;
    static final int MAX_PAGES = 10_000_000;
    static final long MAX_DELAY_MS = 60_000;
    static final int MAX_USER_AGENT_CHARS = 200;
    static final int DEFAULT_MAX_PAGES = 1_000;
    static final int DEFAULT_MAX_DEPTH = 5;
    static final long DEFAULT_DELAY_MS = 1_000;

    private final UrlNormalizer normalizer;
    private final PolitenessKeys keys;
    private final int deepest;

    CrawlRequests(CrawlerSettings settings, PolitenessKeys keys) {
        this.normalizer = new UrlNormalizer(settings.maxUrlLength());
        this.keys = keys;
        this.deepest = settings.maxDepth();
    }

    CrawlConfig read(JsonNode body) {
        final List<FieldError> errors = new ArrayList<>();
        final List<String> hosts = names(body.path("scope"), "hosts", errors);
        final List<String> domains = names(body.path("scope"), "domains", errors);
        if (hosts.isEmpty() == domains.isEmpty()) {
            errors.add(new FieldError("/scope", "give either hosts or domains"));
        }
        final int maxPages = (int) number(body, "maxPages", DEFAULT_MAX_PAGES, 1, MAX_PAGES, errors);
        final int maxDepth = (int) number(body, "maxDepth", DEFAULT_MAX_DEPTH, 0, deepest, errors);
        final long delayMs = number(body, "delayMs", DEFAULT_DELAY_MS, 0, MAX_DELAY_MS, errors);
        final JsonNode agent = body.get("userAgent");
        String userAgent = null;
        if (agent != null && !agent.isNull()) {
            if (!agent.isTextual() || agent.asText().isBlank() || agent.asText().length() > MAX_USER_AGENT_CHARS
                    || !agent.asText().chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                errors.add(new FieldError("/userAgent", "1-" + MAX_USER_AGENT_CHARS + " printable ASCII characters"));
            } else {
                userAgent = agent.asText().strip();
            }
        }
        final CrawlConfig scope = CrawlConfig.newBuilder().setSeeds(List.of()).setHosts(hosts).setDomains(domains)
                .setMaxPages(maxPages).setMaxDepth(maxDepth).setDelayMs(delayMs).setUserAgent(userAgent).build();
        final List<String> seeds = seeds(body, scope, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.badRequest("the crawl is not valid", errors);
        }
        final List<CrawlSeed> keyed = new ArrayList<>();
        for (String seed : seeds) {
            keyed.add(new CrawlSeed(seed, keys.of(CrawlScope.hostOf(seed))));
        }
        scope.setSeeds(keyed);
        return scope;
    }

    private List<String> seeds(JsonNode body, CrawlConfig scope, List<FieldError> errors) {
        final JsonNode seeds = body.get("seeds");
        if (seeds == null || !seeds.isArray() || seeds.isEmpty() || seeds.size() > MAX_SEEDS) {
            errors.add(new FieldError("/seeds", "1-" + MAX_SEEDS + " absolute http(s) URLs"));
            return List.of();
        }
        final Set<String> urls = new LinkedHashSet<>();
        for (int i = 0; i < seeds.size(); i++) {
            final Checked<String> url = seeds.get(i).isTextual() ? normalizer.normalize(seeds.get(i).asText())
                    : Checked.refused("malformed", "not a string");
            if (!url.passed()) {
                errors.add(new FieldError("/seeds/" + i, url.reason() + ": " + url.detail()));
            } else if (!CrawlScope.contains(scope, url.value())) {
                errors.add(new FieldError("/seeds/" + i, "not within the crawl's scope"));
            } else {
                urls.add(url.value());
            }
        }
        return List.copyOf(urls);
    }

    private static List<String> names(JsonNode scope, String field, List<FieldError> errors) {
        final JsonNode names = scope.get(field);
        if (names == null || names.isNull()) {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        if (!names.isArray() || names.size() > MAX_SCOPE_ENTRIES) {
            errors.add(new FieldError("/scope/" + field, "at most " + MAX_SCOPE_ENTRIES + " host names"));
            return out;
        }
        for (int i = 0; i < names.size(); i++) {
            final String name = names.get(i).asText("").strip().toLowerCase(Locale.ROOT);
            if (!name.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?")) {
                errors.add(new FieldError("/scope/" + field + "/" + i, "not a host name"));
            } else {
                out.add(name);
            }
        }
        return out;
    }

    private static long number(JsonNode body, String field, long absent, long min, long max,
                               List<FieldError> errors) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
            errors.add(new FieldError("/" + field, "an integer from " + min + " to " + max));
            return absent;
        }
        return value.asLong();
    }
}
