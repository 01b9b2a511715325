package io.eventline.ratelimit;

import io.eventline.http.ApiRoute;
import io.eventline.ops.KeyKind;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.KeyedStore;
import io.eventline.ops.KeyedTopic;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.LocalStores;
import io.eventline.topics.Topic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Rate limits: their rules and the check API services call. The limiter itself guards every domain's routes
 * ({@link RateLimiting}, one of the {@link SharedServices}).
 */
public final class RateLimitDomain implements Domain {
    private List<ApiRoute> routes = List.of();
    private List<ApiRoute> internalRoutes = List.of();
    private KeyPlaces keyPlaces = KeyPlaces.NONE;

    @Override
    public List<Topic<?>> topics() {
        return RateLimitTopics.ALL;
    }

    /** Seeds the rules before the streams start, so their global copy holds them from the first request on. */
    @Override
    public void beforeStreams(InstanceBasics basics) throws Exception {
        final RulesSeeder seeder = new RulesSeeder(basics.kafka().admin(), basics.producer(), basics.clock());
        seeder.seedIfEmpty(seeder.rulesToSeed(basics.config().rateLimit().rulesFile()));
    }

    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        RateLimitTopology.addTo(atLeastOnce, basics.config().rateLimit().withCounters(basics.counters()),
                basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        final RateLimiting limiting = services.rateLimiting();
        routes = new RateLimitRoutes(services.routeServices(services.writes(), services.router()), limiting.limiter(),
                limiting.rules(), RateLimitRoutes.APPLY_WAIT, services.config().rateLimit().domain()).routes();
        internalRoutes = List.of(limiting.ownerRoute());
        keyPlaces = keyPlaces(limiting.limiter(), services.config().rateLimit().domain(), services.basics().clock()::millis);
    }

    /**
     * A counter's story: its checks as its owner decided them (replayed through the rule's algorithm for what
     * remained), its rejections, and its window now; a user's rejections under this instance's own domain.
     */
    private static KeyPlaces keyPlaces(RateLimiter limiter, String ownDomain, LongSupplier now) {
        return KeyPlaces.builder()
                .topic(KeyedTopic.keyedInOrder(KeyKind.RATELIMIT, RateLimitTopics.CHECKS, CheckReplay::new))
                .topic(KeyedTopic.field(KeyKind.RATELIMIT, RateLimitTopics.REJECTIONS, RateLimitDomain::domainOf,
                        (rejected, key) -> key.equals(RateLimitKeys.counterKey(rejected.getDomain(),
                                rejected.getDescriptor())), RateLimitDomain::told))
                .topic(KeyedTopic.field(KeyKind.USER, RateLimitTopics.REJECTIONS, user -> ownDomain,
                        (rejected, user) -> rejected.getDomain().equals(ownDomain) && rejected.getDescriptor().stream()
                                .anyMatch(entry -> "user".equals(entry.getKey()) && user.equals(entry.getValue())),
                        RateLimitDomain::told))
                .stores(KeyKind.RATELIMIT, KeyedStore.Application.AT_LEAST_ONCE, RateLimitStores.STATE)
                .state(KeyKind.RATELIMIT, KeyedStore.Application.AT_LEAST_ONCE, RateLimitStores.STATE,
                        (stores, key) -> window(limiter, stores, key, now.getAsLong()))
                .build();
    }

    private static String domainOf(String counterKey) {
        final int end = counterKey.indexOf(RateLimitKeys.SEPARATOR);
        return end < 0 ? counterKey : counterKey.substring(0, end);
    }

    private static List<DescriptorEntry> descriptorOf(String counterKey) {
        final String[] parts = counterKey.split(String.valueOf(RateLimitKeys.SEPARATOR), -1);
        final List<DescriptorEntry> entries = new ArrayList<>();
        for (int i = 1; i + 1 < parts.length; i += 2) {
            entries.add(new DescriptorEntry(parts[i], parts[i + 1]));
        }
        return entries;
    }

    private static KeyedTopic.Told told(RateLimitRejected rejected) {
        return new KeyedTopic.Told(rejected.getShadow() ? "shadow_limited" : "limited",
                "over " + rejected.getRule() + " (" + rejected.getRequestsPerUnit() + " per "
                        + unit(rejected.getUnit()) + "): " + rejected.getHits() + " hit(s) of request "
                        + rejected.getRequestId() + (rejected.getShadow() ? ", admitted: the rule is in shadow" : ""));
    }

    /** The counter's window as its owner holds it now, judged by the rule its descriptor falls under today. */
    private static String window(RateLimiter limiter, LocalStores stores, String counterKey, long now) {
        final String domain = domainOf(counterKey);
        final RateLimitRule rule = limiter.ruleFor(domain, descriptorOf(counterKey)).orElse(null);
        if (rule == null) {
            return "no rule of domain " + domain + " covers this descriptor: it is not limited";
        }
        final byte[] state = limiter.windowState(stores, counterKey);
        final Verdict standing = LimitAlgorithms.of(rule.getAlgorithm()).peek(state, now, Limit.of(rule));
        final String limit = rule.getName() + " (" + rule.getRequestsPerUnit() + " per " + unit(rule.getUnit()) + ", "
                + rule.getAlgorithm().name().toLowerCase(Locale.ROOT) + (rule.getShadow() ? ", shadow" : "") + ")";
        if (state == null || standing.expiresAt() <= now) {
            return "rule " + limit + ": no live window, " + standing.remaining() + " remaining";
        }
        return "rule " + limit + ": " + standing.remaining() + " remaining now, whole again in "
                + RateLimitHeaders.seconds(standing.resetMillis()) + " s (window kept until "
                + Instant.ofEpochMilli(standing.expiresAt()) + ")";
    }

    private static String unit(RateLimitUnit unit) {
        return unit.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Tells a counter's logged checks in their order, replaying each admitted hit through its rule's algorithm so
     * that every decision says what remained; a window begun before the records read is counted from them alone.
     */
    private static final class CheckReplay implements Function<RateLimitCheckRequested, KeyedTopic.Told> {
        private byte[] state;

        @Override
        public KeyedTopic.Told apply(RateLimitCheckRequested check) {
            final RateLimitRule rule = check.getRule();
            if (rule == null) {
                return new KeyedTopic.Told("undecided", check.getHits() + " hit(s) of request "
                        + check.getRequestId() + " sent for the stream to decide (ratelimit.decisions.v1)");
            }
            final Limit limit = Limit.of(rule);
            final LimitAlgorithm algorithm = LimitAlgorithms.of(rule.getAlgorithm());
            int admitted = 0;
            int refused = 0;
            long remaining = 0;
            String lastRequest = check.getRequestId();
            remaining = replay(algorithm, limit, check.getTimestamp().toEpochMilli(), check.getHits(),
                    check.getAdmitted());
            if (check.getAdmitted()) {
                admitted++;
            } else {
                refused++;
            }
            for (LoggedHit hit : check.getFollowing()) {
                remaining = replay(algorithm, limit, hit.getTimestamp().toEpochMilli(), hit.getHits(),
                        hit.getAdmitted());
                lastRequest = hit.getRequestId();
                if (hit.getAdmitted()) {
                    admitted++;
                } else {
                    refused++;
                }
            }
            final String outcome = refused == 0 ? "allowed" : rule.getShadow() ? "shadow_limited" : "limited";
            final String decisions = admitted + refused == 1 ? "" : " (" + admitted + " allowed, " + refused
                    + " refused in this record)";
            return new KeyedTopic.Told(outcome, outcome + " by " + rule.getName() + " (" + rule.getRequestsPerUnit()
                    + " per " + unit(rule.getUnit()) + "), remaining " + remaining + ", request " + lastRequest
                    + decisions);
        }

        private long replay(LimitAlgorithm algorithm, Limit limit, long at, long hits, boolean admitted) {
            final Verdict verdict = algorithm.decide(state, at, hits, limit);
            if (admitted) {
                state = verdict.state();
                return verdict.remaining();
            }
            return 0;
        }
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    @Override
    public List<ApiRoute> internalRoutes() {
        return internalRoutes;
    }

    @Override
    public KeyPlaces keyPlaces() {
        return keyPlaces;
    }
}
