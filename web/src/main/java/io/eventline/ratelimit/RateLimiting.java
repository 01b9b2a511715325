package io.eventline.ratelimit;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.eventline.platform.DaemonThreads;
import io.eventline.platform.InstanceBasics;
import io.eventline.clients.EventProducer;
import io.eventline.query.InstanceClient;
import io.eventline.query.QueryRouter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The instance's rate limiter, which guards every domain's limited routes and chat's socket sends: the counters
 * this instance owns, the calls to the owners of the others, and the rules in force.
 */
public final class RateLimiting {
    /** Decided checks are logged after their answer: a short linger batches them and bounds what a kill -9 loses. */
    private static final Duration HIT_LOG_LINGER = Duration.ofMillis(2);

    private final RulesView rules;
    private final RuleCache ruleCache;
    private final CounterOwner owner;
    private final RateLimiter limiter;
    private final RateLimitGuard guard;
    private final InstanceBasics basics;
    private final Duration decisionTimeout;
    /** Requests served at once after waiting for their decision; as many as a busy instance's HTTP threads. */
    private static final int ADMITTED_THREADS = 64;
    private static final int ADMITTED_WAITING = 10_000;

    /**
     * @param main    the streams application whose tasks own the counters and hold the rules
     * @param router  finds the owners of counters in {@code main}
     * @param clients tells the address a request comes from, behind trusted proxies
     */
    public RateLimiting(InstanceBasics basics, KafkaStreams main, QueryRouter router, InstanceClient instances,
                        InternalCalls internal, ClientAddress clients) throws Exception {
        final RateLimitSettings settings = basics.config().rateLimit();
        this.basics = basics;
        this.decisionTimeout = settings.decisionTimeout();
        this.rules = new RulesView(main);
        this.ruleCache = new RuleCache(rules::current);
        final EventProducer hits = basics.producer("ratelimit", HIT_LOG_LINGER);
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("ratelimit"));
        basics.closer().add(timers::shutdownNow);
        this.owner = basics.closer().add(new CounterOwner(basics.counters(),
                basics.kafka().partitionsOf(RateLimitTopics.CHECKS.name()),
                check -> hits.send(RateLimitTopics.CHECKS, check).thenApply(RecordMetadata::offset),
                basics.serdes().of(RateLimitDecision.class).deserializer(), basics.clock(), timers,
                settings.maxUnloggedHits()));
        final CounterOwnerCalls ownerCalls = basics.closer().add(new CounterOwnerCalls(router, instances.http(),
                internal, decisionTimeout, Executors.newCachedThreadPool(DaemonThreads.named("ratelimit-calls"))));
        this.limiter = new RateLimiter(owner, ownerCalls, ruleCache, decisionTimeout, basics.clock(), timers);
        final ThreadPoolExecutor admitted = new ThreadPoolExecutor(ADMITTED_THREADS, ADMITTED_THREADS, 60,
                TimeUnit.SECONDS, new LinkedBlockingQueue<>(ADMITTED_WAITING), DaemonThreads.named("ratelimit-admitted"));
        admitted.allowCoreThreadTimeOut(true);
        basics.closer().add(admitted::shutdownNow);
        this.guard = new RateLimitGuard(limiter, settings.domain(), clients, basics.ids(), decisionTimeout,
                task -> {
                    try {
                        admitted.execute(task);
                    } catch (RejectedExecutionException e) {
                        throw ProblemException.unavailable("too many admitted requests are waiting to be served; "
                                + "retry shortly", 1);
                    }
                });
    }

    /** The routes, each limited one wrapped in the limiter. */
    public List<ApiRoute> guard(List<ApiRoute> routes) {
        return guard.apply(routes);
    }

    /** The limit of {@code endpoint} (as the guard names it), for requests that arrive over a held connection. */
    public SharedAllowance allowance(String endpoint) {
        return new SharedAllowance(limiter, basics.ids()::nextIdString, basics.config().rateLimit().domain(),
                endpoint, decisionTimeout);
    }

    /** Where other instances ask this one to decide checks of the counters it owns. */
    public ApiRoute ownerRoute() {
        return CounterOwnerCalls.route(owner, ruleCache);
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public RulesView rules() {
        return rules;
    }
}
