package io.eventline.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.InternalCalls;
import io.eventline.query.InstanceClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The whole cluster's snapshot: this instance's figures and every other instance's, asked in parallel over the
 * internal route with a short timeout (one that does not answer shows {@code up:false} with why), the task
 * assignment of both streams applications, the consumer groups' lag and the dead letters. A snapshot is kept
 * for about a second, so several pages cost one assembly.
 */
public final class ClusterSnapshots {
    /** How long an assembled snapshot is served again. */
    static final Duration CACHE_FOR = Duration.ofSeconds(1);
    /** How long another instance has to answer. */
    static final Duration INSTANCE_TIMEOUT = Duration.ofSeconds(1);
    public static final String INSTANCE_PATH = "/ops/instance";

    private final InstanceFigures self;
    private final HostInfo selfHost;
    private final List<ClusterTasks> apps;
    private final ConsumerGroupLag lag;
    private final DeadLetters deadLetters;
    private final InstanceClient instances;
    private final Clock clock;
    private final ObjectMapper json;
    private CompletableFuture<ObjectNode> cached;
    private long cachedAt;

    public ClusterSnapshots(InstanceFigures self, HostInfo selfHost, List<ClusterTasks> apps, ConsumerGroupLag lag,
                            DeadLetters deadLetters, InstanceClient instances, Clock clock, ObjectMapper json) {
        this.self = self;
        this.selfHost = selfHost;
        this.apps = List.copyOf(apps);
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.instances = instances;
        this.clock = clock;
        this.json = json;
    }

    /** The snapshot, assembled now unless one is under a second old; never fails (instances that do not answer are shown so). */
    public synchronized CompletableFuture<ObjectNode> snapshot() {
        final long now = clock.millis();
        if (cached == null || now - cachedAt >= CACHE_FOR.toMillis()
                || cached.isCompletedExceptionally()) {
            cached = assemble();
            cachedAt = now;
        }
        return cached.thenApply(ObjectNode::deepCopy);
    }

    /** The {@code /api/v1/admin/cluster} answer: instances and the assignment, taken from a snapshot. */
    public CompletableFuture<ObjectNode> cluster() {
        return snapshot().thenApply(snapshot -> {
            final ObjectNode answer = json.createObjectNode().put("at", snapshot.get("at").asText())
                    .put("servedBy", snapshot.get("servedBy").asText());
            answer.setAll((ObjectNode) snapshot.get("cluster"));
            return answer;
        });
    }

    private CompletableFuture<ObjectNode> assemble() {
        final Map<String, HostInfo> others = new LinkedHashMap<>();
        for (ClusterTasks app : apps) {
            for (HostInfo host : app.hosts()) {
                if (!host.equals(selfHost)) {
                    others.putIfAbsent(ClusterTasks.url(host), host);
                }
            }
        }
        final List<CompletableFuture<ObjectNode>> parts = new ArrayList<>();
        parts.add(CompletableFuture.completedFuture(self.current()));
        others.forEach((url, host) -> parts.add(ask(url, host)));
        // the assignment is read as the answers come in: it is the state of the group when they are shown
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(unused -> {
            final ObjectNode snapshot = json.createObjectNode().put("at", clock.instant().toString())
                    .put("servedBy", self.identity().id());
            final ObjectNode cluster = snapshot.putObject("cluster");
            final ArrayNode summary = cluster.putArray("instances");
            final ArrayNode full = snapshot.putArray("instances");
            for (CompletableFuture<ObjectNode> part : parts) {
                final ObjectNode instance = part.join();
                full.add(instance);
                final ObjectNode brief = summary.addObject();
                for (String field : List.of("id", "url", "version", "up", "ready", "uptimeSeconds", "error")) {
                    if (instance.has(field)) {
                        brief.set(field, instance.get(field));
                    }
                }
            }
            final ArrayNode applications = cluster.putArray("applications");
            apps.forEach(app -> applications.add(app.describe(json)));
            snapshot.set("lag", lagJson());
            snapshot.set("deadLetters", deadLetters.describe(json));
            return snapshot;
        });
    }

    private CompletableFuture<ObjectNode> ask(String url, HostInfo host) {
        final HttpRequest request = instances.get(host, INSTANCE_PATH,
                new InternalCalls.Caller(null, selfHost.host(), false), "application/json");
        return instances.http().sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .orTimeout(INSTANCE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(response -> {
                    if (response.statusCode() != 200) {
                        return down(url, "answered " + response.statusCode());
                    }
                    try {
                        final JsonNode answer = json.readTree(response.body());
                        return answer instanceof ObjectNode object ? object : down(url, "answered no object");
                    } catch (Exception e) {
                        return down(url, "answered unreadable JSON");
                    }
                })
                .exceptionally(error -> down(url, error instanceof java.util.concurrent.TimeoutException
                        || error.getCause() instanceof java.util.concurrent.TimeoutException
                        ? "no answer within " + INSTANCE_TIMEOUT.toMillis() + " ms"
                        : String.valueOf(rootOf(error))));
    }

    private ObjectNode down(String url, String error) {
        final ObjectNode node = json.createObjectNode().put("id", url).put("url", url).putNull("version")
                .put("up", false).put("ready", false).putNull("uptimeSeconds").put("error", error);
        node.putArray("applications");
        node.putArray("stores");
        node.putArray("routes");
        node.putArray("rateLimit");
        node.putArray("notify");
        node.putObject("chat").put("sockets", 0).put("presenceOnline", 0);
        return node;
    }

    private ObjectNode lagJson() {
        final ConsumerGroupLag.View view = lag.view();
        final ObjectNode node = json.createObjectNode().put("windowSeconds", view.windowSeconds())
                .put("stepSeconds", view.stepSeconds());
        final ArrayNode groups = node.putArray("groups");
        for (ConsumerGroupLag.GroupLag group : view.groups()) {
            final ObjectNode g = groups.addObject().put("group", group.group()).put("total", group.total())
                    .put("members", group.members());
            final ArrayNode partitions = g.putArray("partitions");
            group.partitions().forEach(p -> partitions.addObject().put("topic", p.topic())
                    .put("partition", p.partition()).put("lag", p.lag()));
            final ArrayNode history = g.putArray("history");
            group.history().forEach(point -> history.addArray().add(point[0]).add(point[1]));
        }
        return node;
    }

    private static Throwable rootOf(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
