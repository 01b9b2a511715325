package io.eventline.platform;

import io.eventline.http.ApiRoute;
import io.eventline.http.SocketRoute;
import io.eventline.ops.KeyPlaces;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * One domain's part of an instance. {@link Platform} creates its topics, calls {@link #beforeStreams} before the
 * streams start and {@link #start} once they run, then serves its routes and sockets. What a domain starts it
 * registers with {@link InstanceBasics#closer()}, so it stops before what it uses.
 */
public interface Domain {
    /** The topics the domain owns: created at start, their schema subjects kept from deletion in the registry. */
    List<Topic<?>> topics();

    /** Runs once the topics exist and before the streams start: seeds, checks, what the topologies take. */
    default void beforeStreams(InstanceBasics basics) throws Exception {
    }

    /**
     * Adds the domain's steps to the instance's two streams applications, after {@link #beforeStreams}: most
     * steps run at least once, those whose output must never show an aborted write run exactly once.
     */
    default void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
    }

    /**
     * Settings the domain adds to the at-least-once streams application, read after {@link #beforeStreams}: e.g.
     * objects its stores' RocksDB configuration hands its instruments to.
     */
    default Map<String, Object> streamsConfig() {
        return Map.of();
    }

    /** Starts what the domain runs beside the streams and builds its routes. */
    default void start(SharedServices services) throws Exception {
    }

    /** The public routes, in the order they are served and documented; read after {@link #start}. */
    default List<ApiRoute> routes() {
        return List.of();
    }

    /** Routes for other instances only, under {@link io.eventline.auth.InternalCalls#PREFIX}. */
    default List<ApiRoute> internalRoutes() {
        return List.of();
    }

    /** WebSocket endpoints; their upgrade requests are among {@link #routes()}. */
    default List<SocketRoute> sockets() {
        return List.of();
    }

    default List<MeterBinder> meterBinders() {
        return List.of();
    }

    /**
     * Which of the domain's topics and stores carry which kind of key (user, short code, channel, rate-limit
     * counter), for the key story of {@code /api/v1/admin/keys}; read after {@link #start}.
     */
    default KeyPlaces keyPlaces() {
        return KeyPlaces.NONE;
    }

    /** Whether the workers the domain runs beside the streams still run; the instance is not ready otherwise. */
    default boolean workersRunning() {
        return true;
    }
}
