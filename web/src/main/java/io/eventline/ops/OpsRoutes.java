package io.eventline.ops;

import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;

/** Liveness, readiness and Prometheus metrics for operators and orchestrators; see {@link MetricsAccess}. */
public final class OpsRoutes {
    private static final JsonSchema READINESS = JsonSchema.object()
            .required("status", JsonSchema.oneOf("READY", "NOT_READY")).required("streams", JsonSchema.string());
    private static final String METRICS_SUMMARY = "Prometheus metrics (JVM, Kafka Streams, HTTP)";
    private final Readiness readiness;
    private final PrometheusMeterRegistry metrics;
    private final MetricsAccess metricsAccess;

    public OpsRoutes(Readiness readiness, PrometheusMeterRegistry metrics, MetricsAccess metricsAccess) {
        this.readiness = readiness;
        this.metrics = metrics;
        this.metricsAccess = metricsAccess;
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.open(HandlerType.GET, "/health", "ops", "Liveness: the process is serving HTTP", this::health)
                        .answers(200, "Up", JsonSchema.object().required("status", JsonSchema.oneOf("UP"))),
                ApiRoute.open(HandlerType.GET, "/ready", "ops",
                        "Readiness: streams RUNNING, stores queryable and the worker lease held (503 otherwise)",
                        this::ready).answers(200, "Ready", READINESS).answers(503, "Not ready", READINESS),
                (metricsAccess.isOpen()
                        ? ApiRoute.open(HandlerType.GET, "/metrics", "ops", METRICS_SUMMARY, this::metrics)
                        : ApiRoute.api(HandlerType.GET, "/metrics", "ops", METRICS_SUMMARY
                                + "; an admin token or the metrics token (EVENTLINE_METRICS_TOKEN)", this::metrics))
                        .answersMedia(200, "Prometheus text format", "text/plain"));
    }

    private void health(Context ctx) {
        ctx.contentType("application/json").result("{\"status\":\"UP\"}");
    }

    private void ready(Context ctx) {
        final boolean ready = readiness.isReady();
        ctx.status(ready ? 200 : 503).contentType("application/json")
                .result("{\"status\":\"" + (ready ? "READY" : "NOT_READY") + "\",\"streams\":\""
                        + readiness.state() + "\"}");
        if (!ready) {
            ctx.header("Retry-After", "1");
        }
    }

    private void metrics(Context ctx) {
        metricsAccess.check(ctx);
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
    }
}
