package io.eventline.ops;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The live cluster view for admins: the assignment ({@code /api/v1/admin/cluster}), one whole-cluster snapshot
 * ({@code /api/v1/admin/ops/snapshot}) and a stream of them as server-sent events ({@code /api/v1/admin/ops/live}),
 * read by the ops page with {@code fetch}, so the bearer header works; and the internal route through which the
 * instance that assembles a snapshot reads each other instance's part.
 */
public final class LiveRoutes {
    public static final String CLUSTER_PATH = "/api/v1/admin/cluster";
    public static final String SNAPSHOT_PATH = "/api/v1/admin/ops/snapshot";
    public static final String LIVE_PATH = "/api/v1/admin/ops/live";
    /** How often the live stream sends a snapshot. */
    static final Duration LIVE_EVERY = Duration.ofSeconds(2);
    /** Live streams one instance serves at once; each holds a request thread. */
    public static final int MAX_LIVE_STREAMS = 16;
    private static final String TAG = "ops";
    private static final Duration ASSEMBLY_WAIT = Duration.ofSeconds(5);
    private static final JsonSchema INSTANCE_BRIEF = instanceBrief();
    private static final JsonSchema TASK = JsonSchema.object().required("taskId", JsonSchema.string())
            .required("subtopology", JsonSchema.integer()).required("partition", JsonSchema.integer())
            .required("active", JsonSchema.string().nullable())
            .required("standbys", JsonSchema.arrayOf(JsonSchema.string()))
            .required("topics", JsonSchema.arrayOf(JsonSchema.string()))
            .required("stores", JsonSchema.arrayOf(JsonSchema.string()));
    private static final JsonSchema APPLICATION = JsonSchema.object()
            .required("application", JsonSchema.oneOf("at-least-once", "exactly-once"))
            .required("applicationId", JsonSchema.string()).required("tasks", JsonSchema.arrayOf(TASK));
    private static final JsonSchema CLUSTER_PARTS = JsonSchema.object()
            .required("instances", JsonSchema.arrayOf(INSTANCE_BRIEF))
            .required("applications", JsonSchema.arrayOf(APPLICATION));
    static final JsonSchema CLUSTER = JsonSchema.object().required("at", JsonSchema.formatted("date-time"))
            .required("servedBy", JsonSchema.string())
            .required("instances", JsonSchema.arrayOf(INSTANCE_BRIEF))
            .required("applications", JsonSchema.arrayOf(APPLICATION));
    static final JsonSchema INSTANCE = instanceBrief()
            .required("applications", JsonSchema.arrayOf(JsonSchema.object()
                    .required("application", JsonSchema.string()).required("state", JsonSchema.string())
                    .required("processRate", JsonSchema.number())
                    .required("processLatencyAvgMs", JsonSchema.number())
                    .required("processLatencyMaxMs", JsonSchema.number())))
            .required("stores", JsonSchema.arrayOf(JsonSchema.object()
                    .required("application", JsonSchema.string()).required("store", JsonSchema.string())
                    .required("partition", JsonSchema.integer()).required("standby", JsonSchema.bool())
                    .required("entries", JsonSchema.integer()).required("bytes", JsonSchema.integer().nullable())))
            .required("routes", JsonSchema.arrayOf(JsonSchema.object().required("route", JsonSchema.string())
                    .required("ratePerSec", JsonSchema.number()).required("p99Ms", JsonSchema.number())
                    .required("count", JsonSchema.integer())))
            .required("rateLimit", JsonSchema.arrayOf(JsonSchema.object().required("rule", JsonSchema.string())
                    .required("outcome", JsonSchema.oneOf("allowed", "limited", "shadow_limited"))
                    .required("ratePerSec", JsonSchema.number()).required("total", JsonSchema.integer())))
            .required("notify", JsonSchema.arrayOf(JsonSchema.object().required("channel", JsonSchema.string())
                    .required("provider", JsonSchema.string()).required("outcome", JsonSchema.string())
                    .required("total", JsonSchema.integer())))
            .required("chat", JsonSchema.object().required("sockets", JsonSchema.integer())
                    .required("presenceOnline", JsonSchema.integer()));
    static final JsonSchema SNAPSHOT = JsonSchema.object().required("at", JsonSchema.formatted("date-time"))
            .required("servedBy", JsonSchema.string()).required("cluster", CLUSTER_PARTS)
            .required("instances", JsonSchema.arrayOf(INSTANCE))
            .required("lag", JsonSchema.object().required("windowSeconds", JsonSchema.integer())
                    .required("stepSeconds", JsonSchema.integer())
                    .required("groups", JsonSchema.arrayOf(JsonSchema.object()
                            .required("group", JsonSchema.string()).required("total", JsonSchema.integer())
                            .required("members", JsonSchema.integer())
                            .required("partitions", JsonSchema.arrayOf(JsonSchema.object()
                                    .required("topic", JsonSchema.string())
                                    .required("partition", JsonSchema.integer())
                                    .required("lag", JsonSchema.integer())))
                            .required("history", JsonSchema.arrayOf(JsonSchema.arrayOf(JsonSchema.integer()))))))
            .required("deadLetters", JsonSchema.object().required("total", JsonSchema.integer())
                    .required("byTopic", JsonSchema.mapOf(JsonSchema.integer()))
                    .required("latest", JsonSchema.arrayOf(JsonSchema.object()
                            .required("at", JsonSchema.formatted("date-time")).required("topic", JsonSchema.string())
                            .required("partition", JsonSchema.integer().nullable())
                            .required("offset", JsonSchema.integer().nullable())
                            .required("reason", JsonSchema.string()))));

    private final ClusterSnapshots snapshots;
    private final InstanceFigures self;
    private final Semaphore liveStreams = new Semaphore(MAX_LIVE_STREAMS);
    private final AtomicBoolean closed = new AtomicBoolean();

    public LiveRoutes(ClusterSnapshots snapshots, InstanceFigures self) {
        this.snapshots = snapshots;
        this.self = self;
    }

    /** An instance as the cluster answer lists it: who, where, and whether it is up and ready. */
    private static JsonSchema instanceBrief() {
        return JsonSchema.object().required("id", JsonSchema.string())
                .required("url", JsonSchema.string()).required("version", JsonSchema.string().nullable())
                .required("up", JsonSchema.bool()).required("ready", JsonSchema.bool())
                .required("uptimeSeconds", JsonSchema.integer().nullable())
                .optional("error", JsonSchema.string());
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.GET, CLUSTER_PATH, TAG,
                        "The cluster's instances (up, ready, version, uptime) and which tasks each runs, active and "
                                + "standby, in both streams applications (admin)", this::cluster)
                        .answers(200, "Instances and assignment", CLUSTER),
                ApiRoute.api(HandlerType.GET, SNAPSHOT_PATH, TAG,
                        "One snapshot of the whole cluster: every instance's figures, consumer lag over 15 minutes, "
                                + "dead letters (admin)", this::snapshot)
                        .answers(200, "The snapshot", SNAPSHOT),
                ApiRoute.api(HandlerType.GET, LIVE_PATH, TAG,
                        "Server-sent events: one 'snapshot' event at once, then one every 2 s, until the client goes "
                                + "(admin; 429 when " + MAX_LIVE_STREAMS + " streams are open on this instance)",
                        this::live)
                        .answersMedia(200, "text/event-stream of snapshot events", "text/event-stream"));
    }

    /** The route other instances read this instance's part through. */
    public List<ApiRoute> internalRoutes() {
        return List.of(ApiRoute.open(HandlerType.GET, InternalCalls.PREFIX + ClusterSnapshots.INSTANCE_PATH, TAG,
                "This instance's part of the ops snapshot (instances only)", this::instance)
                .answers(200, "This instance's figures", INSTANCE));
    }

    /** Ends the live streams at their next beat, when the instance stops. */
    public void close() {
        closed.set(true);
    }

    private void instance(Context ctx) {
        ctx.contentType("application/json").result(self.current().toString());
    }

    private void cluster(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        ctx.future(() -> snapshots.cluster().thenAccept(answer ->
                ctx.contentType("application/json").result(answer.toString())));
    }

    private void snapshot(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        ctx.future(() -> snapshots.snapshot().thenAccept(answer ->
                ctx.contentType("application/json").result(answer.toString())));
    }

    private void live(Context ctx) throws Exception {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        if (!liveStreams.tryAcquire()) {
            throw new ProblemException(429, "too-many-live-streams", "Too many live streams",
                    MAX_LIVE_STREAMS + " live streams are open on this instance; close one or ask another instance");
        }
        try {
            ctx.status(200).contentType("text/event-stream");
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Accel-Buffering", "no");
            final OutputStream out = ctx.res().getOutputStream();
            // the stream holds this request's thread until the client goes: a write to a closed connection fails
            long next = System.nanoTime();
            while (!closed.get() && !Thread.currentThread().isInterrupted()) {
                final String data = snapshots.snapshot().get(ASSEMBLY_WAIT.toMillis(), TimeUnit.MILLISECONDS)
                        .toString();
                out.write(("event: snapshot\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                next += LIVE_EVERY.toNanos();
                final long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } else {
                    next = System.nanoTime();
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (ExecutionException | TimeoutException e) {
            // a snapshot that could not be assembled ends the stream; the page reconnects
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            liveStreams.release();
        }
    }
}
