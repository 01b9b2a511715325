package io.eventline.ops;

import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import java.util.List;

/** Health, readiness and metrics, for operators and orchestrators. */
public final class OpsDomain implements Domain {
    private List<ApiRoute> routes = List.of();
    private ConsumerGroupLag lag;

    @Override
    public List<Topic<?>> topics() {
        return List.of();
    }

    @Override
    public void start(SharedServices services) {
        final EventlineConfig config = services.config();
        lag = services.basics().closer().add(ConsumerGroupLag.start(services.basics().kafka().admin(),
                services.meters(), services.basics().clock(), ConsumerGroupLag.Limits.DEFAULT));
        routes = new OpsRoutes(services.readiness(), services.meters(), config.httpLoopbackOnly()
                ? MetricsAccess.open() : MetricsAccess.guarded(services.auth(), config.metricsToken())).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }
}
