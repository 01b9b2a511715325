package io.eventline.operations;

import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

/** The outcomes of accepted writes, which clients poll and the write gateways await. */
public final class OperationsDomain implements Domain {
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return List.copyOf(OperationTopics.ALL);
    }

    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        OperationsTopology.addTo(atLeastOnce, OperationsSettings.defaults(), basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        routes = new OperationRoutes(services.router(), services.json()).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }
}
