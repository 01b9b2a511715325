package io.eventline.ops;

import io.eventline.chat.ChatStores;
import io.eventline.http.ApiRoute;
import io.eventline.kafka.TopicTail;
import io.eventline.platform.Domain;
import io.eventline.platform.EventlineConfig;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.Platform;
import io.eventline.platform.SharedServices;
import io.eventline.platform.StreamsApps;
import io.eventline.streams.StreamsSettings;
import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Health, readiness and metrics, for operators and orchestrators; the live view of the whole cluster, one key's
 * story, and the ops page that draws them.
 */
public final class OpsDomain implements Domain {
    /** How long the start waits for the dead-letter tail to find the topic's end. */
    private static final Duration TAIL_START = Duration.ofSeconds(10);
    private List<ApiRoute> routes = List.of();
    private List<ApiRoute> internalRoutes = List.of();
    private ConsumerGroupLag lag;
    private RecentProblems problems;

    @Override
    public List<Topic<?>> topics() {
        return List.of();
    }

    @Override
    public void start(SharedServices services) throws Exception {
        final EventlineConfig config = services.config();
        final InstanceBasics basics = services.basics();
        problems = RecentProblems.attachToRoot();
        basics.closer().add(problems::detach);
        lag = basics.closer().add(ConsumerGroupLag.start(basics.kafka().admin(), config.applicationId(),
                services.meters(), basics.clock(), ConsumerGroupLag.Limits.DEFAULT));
        final List<ApiRoute> all = new ArrayList<>(new OpsRoutes(services.readiness(), services.meters(),
                config.httpLoopbackOnly() ? MetricsAccess.open()
                        : MetricsAccess.guarded(services.auth(), config.metricsToken())).routes());
        final LiveRoutes live = liveRoutes(services);
        all.addAll(live.routes());
        final KeyStoryRoutes keys = new KeyStoryRoutes(KeyStories.start(services), services.instances());
        all.addAll(keys.routes());
        all.addAll(OpsPageRoutes.fromClasspath().routes());
        routes = List.copyOf(all);
        internalRoutes = Stream.concat(live.internalRoutes().stream(), keys.internalRoutes().stream()).toList();
    }

    private LiveRoutes liveRoutes(SharedServices services) throws InterruptedException {
        final InstanceBasics basics = services.basics();
        final EventlineConfig config = services.config();
        final StreamsApps apps = services.apps();
        final List<ClusterTasks> tasks = List.of(
                new ClusterTasks("at-least-once", config.applicationId(), apps.main().streams(), apps.mainTopology()),
                new ClusterTasks("exactly-once", config.applicationId() + StreamsSettings.NOTIFY_SUFFIX,
                        apps.exactlyOnce().streams(), apps.exactlyOnceTopology()));
        final DeadLetters deadLetters = new DeadLetters(StreamsSettings.DEAD_LETTER_TOPIC);
        final TopicTail tail = basics.closer().add(new TopicTail(basics.kafka().clientConfig(),
                "eventline-dead-letters-" + config.instanceId(), TopicTail.Isolation.READ_COMMITTED,
                Duration.ofSeconds(1), deadLetters));
        tail.start(TAIL_START);
        final InstanceFigures figures = new InstanceFigures(new InstanceFigures.Identity(config.instanceId(),
                ClusterTasks.url(services.self()), Platform.VERSION, basics.clock().instant()), tasks,
                services.meters(), services.readiness()::isReady, ChatStores.ONLINE, new HostFigures(services.meters(),
                config.dataDir(), problems), basics.clock(), basics.json());
        final ClusterSnapshots snapshots = new ClusterSnapshots(figures, services.self(), tasks, lag, deadLetters,
                services.instances(), basics.clock(), basics.json());
        final LiveRoutes live = new LiveRoutes(snapshots, figures);
        basics.closer().add(live::close);
        return live;
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
