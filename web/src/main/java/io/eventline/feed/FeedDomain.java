package io.eventline.feed;

import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

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

    /** The feed topology tells the item cache of each change of a post or profile this instance owns. */
    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        FeedTopology.addTo(atLeastOnce, basics.config().feed().withChanges(items), basics.serdes());
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
