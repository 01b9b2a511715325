package io.eventline.feed;

import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/** Posts, follows and profiles, and the feeds built from them. */
public final class FeedDomain implements Domain {
    private FeedItemCache items;
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return FeedTopics.ALL;
    }

    @Override
    public void beforeStreams(InstanceBasics basics) {
        items = new FeedItemCache(basics.config().feed().cacheBytes());
    }

    /** Told by the feed topology of each change of a post or profile this instance owns. */
    public FeedChanges changes() {
        return items;
    }

    @Override
    public void start(SharedServices services) {
        routes = new FeedRoutes(services.routeServices(services.writes(), services.router()), items).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    @Override
    public List<MeterBinder> meterBinders() {
        return List.of(items);
    }
}
