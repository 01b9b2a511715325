package io.eventline.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * This instance's part of the ops view, read from its own meters and streams: its applications' state,
 * throughput and latency, its stores' sizes, request rate and p99 per route, rate-limit decisions, notification
 * outcomes, chat figures, and the host's (see {@link HostFigures}). Rates are the change of counters between two readings, read at most once a second
 * however many pages ask; p99 is over the requests since the last reading, or over all when there were none.
 */
public final class InstanceFigures {
    /** Readings closer together than this are served from the last one. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final String THREAD_METRICS = "stream-thread-metrics";
    private static final String STATE_METRICS = "stream-state-metrics";
    private static final String RATE_LIMIT_METRICS = "stream-ratelimit-metrics";
    /** The decisions counted per rule; the same metric group also counts misrouted records, under rule "all". */
    private static final Set<String> OUTCOMES = Set.of("allowed", "limited", "shadow_limited");

    private final Identity identity;
    private final List<ClusterTasks> apps;
    private final MeterRegistry meters;
    private final BooleanSupplier ready;
    private final String onlineStore;
    private final Clock clock;
    private final ObjectMapper json;
    private final HostFigures host;
    private Reading last;
    private ObjectNode lastAnswer;

    /** Who this instance is: ID, URL, version, and when it started. */
    public record Identity(String id, String url, String version, Instant startedAt) {
    }

    /** The counters of one reading, by what they count, and the histogram of each route. */
    private record Reading(long atMillis, Map<String, Double> counters, Map<String, double[]> histograms,
                           Map<String, double[]> bounds) {
    }

    /**
     * @param onlineStore the chat store that holds only the users online now, partitioned by user: this instance
     *                    counts the users of its active partitions, so the instances' counts add up
     */
    public InstanceFigures(Identity identity, List<ClusterTasks> apps, MeterRegistry meters, BooleanSupplier ready,
                           String onlineStore, HostFigures host, Clock clock, ObjectMapper json) {
        this.identity = identity;
        this.apps = List.copyOf(apps);
        this.meters = meters;
        this.ready = ready;
        this.onlineStore = onlineStore;
        this.clock = clock;
        this.json = json;
        this.host = host;
    }

    public Identity identity() {
        return identity;
    }

    /** The instance's part of the snapshot, read now unless the last reading is under a second old. */
    public synchronized ObjectNode current() {
        final long now = clock.millis();
        if (lastAnswer != null && now - last.atMillis() < MIN_INTERVAL.toMillis()) {
            return lastAnswer.deepCopy();
        }
        final Reading reading = new Reading(now, new HashMap<>(), new HashMap<>(), new HashMap<>());
        final double seconds = last == null ? 0 : (now - last.atMillis()) / 1000.0;
        final ObjectNode answer = json.createObjectNode().put("id", identity.id()).put("url", identity.url())
                .put("version", identity.version()).put("up", true).put("ready", ready.getAsBoolean())
                .put("uptimeSeconds", Math.max(0, (now - identity.startedAt().toEpochMilli()) / 1000));
        applications(answer.putArray("applications"), reading, seconds);
        stores(answer.putArray("stores"));
        routes(answer.putArray("routes"), reading, seconds);
        rateLimit(answer.putArray("rateLimit"), reading, seconds);
        notify(answer.putArray("notify"));
        chat(answer.putObject("chat"));
        host.addTo(answer);
        last = reading;
        lastAnswer = answer;
        return answer.deepCopy();
    }

    private void applications(ArrayNode list, Reading reading, double seconds) {
        for (ClusterTasks app : apps) {
            double processed = 0;
            double latencySum = 0;
            int latencies = 0;
            double latencyMax = 0;
            for (Map.Entry<MetricName, ? extends Metric> metric : app.streams().metrics().entrySet()) {
                if (!THREAD_METRICS.equals(metric.getKey().group())) {
                    continue;
                }
                final double value = number(metric.getValue());
                switch (metric.getKey().name()) {
                    case "process-total" -> processed += value;
                    case "process-latency-avg" -> {
                        if (!Double.isNaN(value)) {
                            latencySum += value;
                            latencies++;
                        }
                    }
                    case "process-latency-max" -> {
                        if (!Double.isNaN(value)) {
                            latencyMax = Math.max(latencyMax, value);
                        }
                    }
                    default -> {
                    }
                }
            }
            final ObjectNode node = list.addObject().put("application", app.application())
                    .put("state", app.streams().state().name())
                    .put("processRate", rate(reading, "process " + app.application(), processed, seconds))
                    .put("processLatencyAvgMs", latencies == 0 ? 0 : round(latencySum / latencies))
                    .put("processLatencyMaxMs", round(latencyMax));
            final Map<String, List<String>> tasks = app.localTasks();
            tasks.get("active").forEach(node.putArray("activeTasks")::add);
            tasks.get("standby").forEach(node.putArray("standbyTasks")::add);
        }
    }

    /** RocksDB stores, from their property metrics; in-memory stores report none and are left out. */
    private void stores(ArrayNode list) {
        for (ClusterTasks app : apps) {
            final List<String> standby = app.localTasks().get("standby");
            final Map<String, double[]> sizes = new TreeMap<>();
            for (Map.Entry<MetricName, ? extends Metric> metric : app.streams().metrics().entrySet()) {
                final MetricName name = metric.getKey();
                final boolean keys = "estimate-num-keys".equals(name.name());
                if (!STATE_METRICS.equals(name.group()) || !keys && !"total-sst-files-size".equals(name.name())) {
                    continue;
                }
                final String task = name.tags().get("task-id");
                final String store = name.tags().entrySet().stream().filter(tag -> tag.getKey().endsWith("-state-id"))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                if (task == null || store == null) {
                    continue;
                }
                final double[] size = sizes.computeIfAbsent(store + "\u0000" + task, unused -> new double[2]);
                size[keys ? 0 : 1] += Math.max(0, number(metric.getValue()));
            }
            sizes.forEach((key, size) -> {
                final String[] parts = key.split("\u0000");
                final String task = parts[1];
                list.addObject().put("application", app.application()).put("store", parts[0])
                        .put("partition", Integer.parseInt(task.substring(task.indexOf('_') + 1)))
                        .put("standby", standby.contains(task)).put("entries", (long) size[0])
                        .put("bytes", (long) size[1]);
            });
        }
    }

    private void routes(ArrayNode list, Reading reading, double seconds) {
        final Map<String, double[]> counts = new TreeMap<>();
        for (Timer timer : meters.find("http.server.requests").timers()) {
            final String route = timer.getId().getTag("method") + " " + timer.getId().getTag("route");
            final CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
            final double[] sum = counts.computeIfAbsent(route, unused -> new double[buckets.length + 1]);
            if (sum.length != buckets.length + 1) {
                continue;
            }
            sum[0] += timer.count();
            final double[] bounds = new double[buckets.length];
            for (int i = 0; i < buckets.length; i++) {
                sum[i + 1] += buckets[i].count();
                bounds[i] = buckets[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            reading.bounds().put(route, bounds);
        }
        counts.forEach((route, sum) -> {
            final double count = sum[0];
            reading.histograms().put(route, sum);
            final double[] before = last == null ? null : last.histograms().get(route);
            final double[] window = new double[sum.length];
            final boolean recent = before != null && before.length == sum.length && sum[0] > before[0];
            for (int i = 0; i < sum.length; i++) {
                window[i] = recent ? sum[i] - before[i] : sum[i];
            }
            list.addObject().put("route", route)
                    .put("ratePerSec", rate(reading, "route " + route, count, seconds))
                    .put("p99Ms", p99(window, reading.bounds().get(route)))
                    .put("count", (long) count);
        });
    }

    /** The upper bound of the bucket that holds the 99th percentile of {@code window} (count, then buckets). */
    private static double p99(double[] window, double[] bounds) {
        if (bounds == null || window[0] <= 0) {
            return 0;
        }
        final double wanted = Math.ceil(window[0] * 0.99);
        for (int i = 0; i < bounds.length; i++) {
            if (window[i + 1] >= wanted) {
                return round(bounds[i]);
            }
        }
        return bounds.length == 0 ? 0 : round(bounds[bounds.length - 1]);
    }

    private void rateLimit(ArrayNode list, Reading reading, double seconds) {
        final Map<String, Double> totals = new TreeMap<>();
        for (ClusterTasks app : apps) {
            for (Map.Entry<MetricName, ? extends Metric> metric : app.streams().metrics().entrySet()) {
                final MetricName name = metric.getKey();
                if (!RATE_LIMIT_METRICS.equals(name.group()) || !name.name().endsWith("-total")) {
                    continue;
                }
                final String rule = name.tags().get("ratelimit-id");
                final String outcome = name.name().substring(0, name.name().length() - "-total".length())
                        .replace('-', '_');
                if (rule != null && OUTCOMES.contains(outcome)) {
                    totals.merge(rule + "\u0000" + outcome, number(metric.getValue()), Double::sum);
                }
            }
        }
        totals.forEach((key, total) -> {
            final String[] parts = key.split("\u0000");
            list.addObject().put("rule", parts[0]).put("outcome", parts[1])
                    .put("ratePerSec", rate(reading, "ratelimit " + key, total, seconds))
                    .put("total", (long) (double) total);
        });
    }

    private void notify(ArrayNode list) {
        final Map<String, Double> totals = new TreeMap<>();
        for (Counter counter : meters.find("eventline.notify.deliveries").counters()) {
            final String provider = counter.getId().getTag("provider");
            totals.merge(channelOf(provider) + "\u0000" + provider + "\u0000" + counter.getId().getTag("outcome"),
                    counter.count(), Double::sum);
        }
        totals.forEach((key, total) -> {
            final String[] parts = key.split("\u0000");
            list.addObject().put("channel", parts[0]).put("provider", parts[1]).put("outcome", parts[2])
                    .put("total", (long) (double) total);
        });
    }

    private static String channelOf(String provider) {
        return switch (provider == null ? "" : provider.toLowerCase(Locale.ROOT)) {
            case "apns", "fcm" -> "push";
            case "smtp" -> "email";
            case "sms" -> "sms";
            default -> "other";
        };
    }

    private void chat(ObjectNode chat) {
        final Gauge sockets = meters.find("eventline.chat.sockets").gauge();
        chat.put("sockets", sockets == null ? 0 : (long) sockets.value());
        long online = 0;
        for (ClusterTasks app : apps) {
            try {
                online += app.streams().store(StoreQueryParameters.fromNameAndType(onlineStore,
                        QueryableStoreTypes.keyValueStore())).approximateNumEntries();
                break;
            } catch (RuntimeException e) {
                // not this application's store, or not queryable during a rebalance: counted as none here
            }
        }
        chat.put("presenceOnline", online);
    }

    private double rate(Reading reading, String key, double total, double seconds) {
        reading.counters().put(key, total);
        if (last == null || seconds <= 0) {
            return 0;
        }
        // a counter the last reading did not have yet started at zero since then
        final double before = last.counters().getOrDefault(key, 0.0);
        return total < before ? 0 : round((total - before) / seconds);
    }

    private static double number(Metric metric) {
        final Object value = metric.metricValue();
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private static double round(double value) {
        return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : 0;
    }
}
