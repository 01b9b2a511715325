package io.eventline.ops;

import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import java.util.List;
import java.util.stream.Stream;

/** Health, readiness, metrics, key stories and the ops page, for operators and orchestrators. */
public final class OpsDomain implements Domain {
    private List<ApiRoute> routes = List.of();
    private List<ApiRoute> internalRoutes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return List.of();
    }

    @Override
    public void start(SharedServices services) {
        final EventlineConfig config = services.config();
        routes = new OpsRoutes(services.readiness(), services.meters(), config.httpLoopbackOnly()
                ? MetricsAccess.open() : MetricsAccess.guarded(services.auth(), config.metricsToken())).routes();
        final KeyStoryRoutes keys = new KeyStoryRoutes(KeyStories.start(services), services.instances());
        routes = Stream.concat(routes.stream(), keys.routes().stream()).toList();
        internalRoutes = keys.internalRoutes();
        routes = Stream.concat(routes.stream(), OpsPageRoutes.fromClasspath().routes().stream()).toList();
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
