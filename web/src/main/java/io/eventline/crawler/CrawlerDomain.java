package io.eventline.crawler;

import io.eventline.clients.EventProducer;
import io.eventline.http.ApiRoute;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.query.GlobalView;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

/**
 * The web crawler: crawls started over the API, a frontier in the streams keyed by politeness key, and fetch
 * workers beside the streams on the instance that owns the keys they fetch for.
 */
public final class CrawlerDomain implements Domain {
    /** Pages, outlinks and reports are batched this long: the next release waits for the report anyway. */
    private static final Duration OUTPUT_LINGER = Duration.ofMillis(2);

    private CrawlerConfig config;
    private PolitenessKeys keys;
    private FetchWorkers workers;
    private CrawlerTopologySettings topologySettings;
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return CrawlerTopics.ALL;
    }

    @Override
    public void beforeStreams(InstanceBasics basics) {
        config = basics.config().crawler();
        final AddressGuard guard = new AddressGuard(config.parts(), config.resolver());
        keys = new PolitenessKeys(guard, config.shareByAddress());
        final EventProducer producer = basics.producer("crawler", OUTPUT_LINGER);
        final FetchWork work = new FetchWork(new PageFetcher(config.parts(), guard, basics.clock()),
                new PageParser(config.parts()), keys, new ProducedOutput(producer), basics.clock());
        workers = basics.closer().add(new FetchWorkers(config.workers(), work));
        topologySettings = new CrawlerTopologySettings(basics.config().topicPartitions(), config.frontier(),
                workers);
    }

    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        CrawlerTopology.addTo(atLeastOnce, topologySettings, basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        routes = new CrawlerRoutes(services.routeServices(services.writes(), services.router()),
                new CrawlRequests(config.parts(), keys), new UrlNormalizer(config.parts().maxUrlLength()),
                new GlobalView<>(services.apps().main().streams(), CrawlerStores.CRAWLS_GLOBAL)).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    /** The fetch workers' load: requests in flight on this instance, and requests finished. */
    @Override
    public List<MeterBinder> meterBinders() {
        return List.of(registry -> {
            Gauge.builder("eventline.crawler.fetches.in.flight", workers, FetchWorkers::inFlight)
                    .description("Requests the fetch workers of this instance are making").register(registry);
            FunctionCounter.builder("eventline.crawler.fetches", workers, FetchWorkers::finished)
                    .description("Requests the fetch workers of this instance finished").register(registry);
        });
    }

    @Override
    public boolean workersRunning() {
        return workers == null || workers.running();
    }
}
