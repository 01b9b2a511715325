package io.eventline.shorturl;

import io.eventline.clients.EventProducer;
import io.eventline.http.ApiRoute;
import io.eventline.ops.KeyKind;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.KeyedStore;
import io.eventline.ops.KeyedTopic;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.LocalStores;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

/** Short links: creating them, redirecting through them, and counting their clicks. */
public final class ShortUrlDomain implements Domain {
    /** Clicks are batched this long: no request waits for them, and batching spares the broker. */
    private static final Duration CLICK_LINGER = Duration.ofMillis(20);
    /** How long a short link's host may take to resolve before it is judged by its name alone. */
    private static final Duration LINK_LOOKUP_TIMEOUT = Duration.ofSeconds(2);
    private static final int LINK_LOOKUP_THREADS = 4;

    private LinkUrls links;
    private EventProducer clicks;
    private ShortUrlSettings topologySettings;
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return ShortUrlTopics.ALL;
    }

    @Override
    public void beforeStreams(InstanceBasics basics) throws Exception {
        final EventlineConfig config = basics.config();
        clicks = basics.producer("clicks", CLICK_LINGER);
        final BoundedResolver resolver = basics.closer().add(new BoundedResolver(LINK_LOOKUP_TIMEOUT,
                LINK_LOOKUP_THREADS));
        links = LinkUrls.forService(List.of(config.publicUrl(), config.advertisedUrl()), config.httpPort(), resolver);
        // a generated short code is drawn on the partition its link lives on, counted with this number
        final int linkPartitions = basics.kafka().partitionsOf(ShortUrlTopics.REQUESTS.name());
        if (linkPartitions != config.topicPartitions()) {
            throw new IllegalStateException(ShortUrlTopics.REQUESTS.name() + " has " + linkPartitions
                    + " partitions but EVENTLINE_TOPIC_PARTITIONS is " + config.topicPartitions()
                    + "; set EVENTLINE_TOPIC_PARTITIONS=" + linkPartitions + " to match the existing topics");
        }
        topologySettings = new ShortUrlSettings(config.topicPartitions(), basics.jwtSecret(),
                config.publicUrl(), links);
    }

    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        ShortUrlTopology.addTo(atLeastOnce, topologySettings, basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        routes = new ShortUrlRoutes(services.routeServices(services.writes(), services.router()), clicks,
                services.config().publicUrl(), links).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    /** A code's link and clicks and where it points now; a user's link requests and the stores of their links. */
    @Override
    public KeyPlaces keyPlaces() {
        return KeyPlaces.builder()
                .topic(KeyedTopic.keyed(KeyKind.SHORTURL, ShortUrlTopics.LINKS, link -> new KeyedTopic.Told("created",
                        link.getCode() + " → " + link.getUrl() + " (" + link.getRedirect() + ") for "
                                + link.getOwnerId())))
                .topic(KeyedTopic.keyed(KeyKind.SHORTURL, ShortUrlTopics.CLICKS, click -> new KeyedTopic.Told(
                        "clicked", "followed" + (click.getReferrer() == null ? "" : " from " + click.getReferrer()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, ShortUrlTopics.REQUESTS, request -> new KeyedTopic.Told(
                        "requested", "link to " + request.getUrl() + (request.getCustomCode() == null ? ""
                        : " as " + request.getCustomCode()) + (request.getRejectedCode() == null ? ""
                        : " (code " + request.getRejectedCode() + " was taken: retried)"))))
                .stores(KeyKind.SHORTURL, KeyedStore.Application.AT_LEAST_ONCE, ShortUrlStores.LINKS,
                        ShortUrlStores.CLICK_TOTALS)
                .stores(KeyKind.USER, KeyedStore.Application.AT_LEAST_ONCE, ShortUrlStores.LINKS_BY_OWNER,
                        ShortUrlStores.DEDUPE)
                .state(KeyKind.SHORTURL, KeyedStore.Application.AT_LEAST_ONCE, ShortUrlStores.LINKS,
                        ShortUrlDomain::linkState)
                .build();
    }

    private static String linkState(LocalStores stores, String code) {
        final LinkCreated link = stores.<String, LinkCreated>keyValue(ShortUrlStores.LINKS).get(code);
        if (link == null) {
            return "no link " + code + ": a redirect answers 404";
        }
        final Long clicks = stores.<String, Long>keyValue(ShortUrlStores.CLICK_TOTALS).get(code);
        return code + " → " + link.getUrl() + " (" + link.getRedirect() + "), owned by " + link.getOwnerId()
                + ", created " + link.getTimestamp() + "; " + (clicks == null ? 0 : clicks) + " click(s)";
    }
}
