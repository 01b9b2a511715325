package io.eventline.ratelimit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.bench.Bench;
import io.eventline.bench.BenchBroker;
import io.eventline.bench.TopicReader;
import io.eventline.clients.EventProducer;
import io.eventline.ratelimit.DescriptorEntry;
import io.eventline.ratelimit.RateLimitCheckRequested;
import io.eventline.ratelimit.RateLimitDecision;
import io.eventline.ratelimit.RateLimitRules;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.ratelimit.RuleConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rate-limit checks and rules as the web layer makes them: a check per request under
 * {@code [endpoint=POST /api/v1/posts, user=<id>]} in domain {@code eventline}, sent through {@link EventProducer}
 * keyed by its counter; rules in the Envoy-like config shape, parsed by {@link RuleConfigs} and sent to the rules
 * topic as {@code PUT /api/v1/admin/ratelimit/rules/{domain}} sends them.
 */
final class Checks {
    static final String DOMAIN = "eventline";
    static final String ENDPOINT = "POST /api/v1/posts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checks() {
    }

    /** The descriptor the web layer sends for a post by {@code userId}. */
    static List<DescriptorEntry> postsBy(String userId) {
        return List.of(new DescriptorEntry("endpoint", ENDPOINT), new DescriptorEntry("user", userId));
    }

    /** A check of one hit; {@code requestId + "#0"} is its check ID, as the web layer numbers its descriptors. */
    static RateLimitCheckRequested check(String requestId, String domain, List<DescriptorEntry> descriptor,
                                         Instant at) {
        return RateLimitCheckRequested.newBuilder().setCheckId(requestId + "#0").setRequestId(requestId)
                .setTimestamp(at).setDomain(domain).setDescriptor(descriptor).setHits(1).build();
    }

    /** One rule per user on {@code POST /api/v1/posts}, in the config shape. */
    static String postsRule(String algorithm, long requestsPerUnit) {
        return "{\"descriptors\": [{\"key\": \"endpoint\", \"value\": \"" + ENDPOINT + "\", \"descriptors\": ["
                + "{\"key\": \"user\", \"name\": \"bench-posts-per-user\", \"rate_limit\": {\"unit\": \"second\", "
                + "\"requests_per_unit\": " + requestsPerUnit + ", \"algorithm\": \"" + algorithm + "\"}}]}]}";
    }

    static RateLimitRules parse(String domain, String config) {
        try {
            return RuleConfigs.parseDomain(JSON.readTree(config), domain, System.currentTimeMillis(), Instant.now(),
                    "bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code rules} and waits until the topology decides by them: a probe check under {@code probe} is sent
     * every 200 ms until its decision names a rule.
     */
    static void publish(EventProducer producer, BenchBroker broker, RateLimitRules rules,
                        List<DescriptorEntry> probe) {
        join(producer.send(RateLimitTopics.RULES, rules));
        final ConcurrentHashMap<String, CompletableFuture<RateLimitDecision>> waiting = new ConcurrentHashMap<>();
        try (TopicReader<RateLimitDecision> decisions = TopicReader.latest(broker, RateLimitTopics.DECISIONS.name(),
                broker.serdes().of(RateLimitDecision.class).deserializer(), (decision, nanos) -> {
                    final CompletableFuture<RateLimitDecision> w = waiting.remove(decision.getCheckId());
                    if (w != null) {
                        w.complete(decision);
                    }
                })) {
            for (int attempt = 0; attempt < 300; attempt++) {
                final RateLimitCheckRequested check = check("probe-" + System.nanoTime(), rules.getDomain(), probe,
                        Instant.now());
                final CompletableFuture<RateLimitDecision> answer = new CompletableFuture<>();
                waiting.put(check.getCheckId(), answer);
                join(producer.send(RateLimitTopics.CHECKS, check));
                try {
                    if (answer.get(30, TimeUnit.SECONDS).getRule() != null) {
                        return;
                    }
                } catch (InterruptedException | ExecutionException | TimeoutException e) {
                    throw new IllegalStateException("no decision for the probe " + check.getCheckId(), e);
                }
                Bench.sleep(200);
            }
        }
        throw new IllegalStateException("the rules of " + rules.getDomain() + " did not apply");
    }

    static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }
}
