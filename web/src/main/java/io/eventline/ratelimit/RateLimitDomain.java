package io.eventline.ratelimit;

import io.eventline.http.ApiRoute;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.Domain;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * Rate limits: their rules and the check API services call. The limiter itself guards every domain's routes
 * ({@link RateLimiting}, one of the {@link SharedServices}).
 */
public final class RateLimitDomain implements Domain {
    private List<ApiRoute> routes = List.of();
    private List<ApiRoute> internalRoutes = List.of();

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
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    @Override
    public List<ApiRoute> internalRoutes() {
        return internalRoutes;
    }
}
