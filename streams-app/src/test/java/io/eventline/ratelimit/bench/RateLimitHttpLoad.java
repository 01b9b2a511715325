package io.eventline.ratelimit.bench;

import io.eventline.bench.Bench;
import io.eventline.producers.load.DurationConverter;
import io.eventline.producers.load.FixedRateSchedule;
import io.eventline.producers.load.HttpLoadRunner;
import io.eventline.producers.load.LatencyRecorder;
import io.eventline.producers.load.LoadReport;
import io.eventline.producers.load.LoadResult;
import io.eventline.producers.load.LoopbackTargets;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HTTP load for the rate limiter's benchmarks, on the load generator's runner ({@code eventline-load}'s
 * {@link HttpLoadRunner}: open loop with latency from each request's intended send time, or closed loop) and with
 * its report format. Two kinds of request:
 *
 * <ul>
 *   <li>{@code posts}: {@code POST /api/v1/posts} by {@code users=N} users in turn (request i by user
 *       {@code rl-user-<i mod N>}), so a per-user limit such as the default 2 posts/s is not reached at moderate
 *       rates, while every request still goes through the limiter when a rule matches;</li>
 *   <li>{@code check}: {@code POST /api/v1/ratelimit/check} with a service token, one descriptor
 *       {@code [client=c<i mod counters>]} in domain {@code domain=bench}.</li>
 * </ul>
 *
 * <p>Tokens are signed here with {@code EVENTLINE_JWT_SECRET} (HS256, issuer {@code eventline}), as
 * {@code eventline token} signs them. Run on the load generator's classpath:
 * <pre>{@code
 * java -cp producers/target/eventline-load.jar:streams-app/target/test-classes \
 *   io.eventline.ratelimit.bench.RateLimitHttpLoad posts url=http://localhost:18480 users=1000 rate=100 \
 *   duration=60s warmup=30s
 * }</pre>
 * Options: {@code url}, {@code rate} (open loop) or {@code concurrency} (closed loop), {@code duration},
 * {@code warmup}, {@code connections} (64), {@code timeout} (10s), {@code interval} (a timeline line per interval),
 * {@code percentiles=true}, {@code users} (1000), {@code counters} (10000), {@code domain} (bench).
 */
public final class RateLimitHttpLoad {
    private RateLimitHttpLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || !(args[0].equals("posts") || args[0].equals("check"))) {
            System.err.println("usage: RateLimitHttpLoad posts|check url=URL rate=R|concurrency=C [name=value ...]");
            System.exit(2);
        }
        final String kind = args[0];
        final Map<String, String> o = Bench.options(args, 1);
        final URI base = LoopbackTargets.httpBase(required(o, "url"));
        final String secret = System.getenv("EVENTLINE_JWT_SECRET");
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("EVENTLINE_JWT_SECRET (the instance's, 32 characters or more)");
        }
        final Duration duration = DurationConverter.parse(o.getOrDefault("duration", "30s"));
        final Duration warmup = DurationConverter.parse(o.getOrDefault("warmup", "5s"));
        final Duration timeout = DurationConverter.parse(o.getOrDefault("timeout", "10s"));
        final int connections = Integer.parseInt(o.getOrDefault("connections", "64"));
        final boolean percentiles = Boolean.parseBoolean(o.getOrDefault("percentiles", "false"));
        final Duration interval = o.containsKey("interval") ? DurationConverter.parse(o.get("interval")) : null;
        final Tokens tokens = new Tokens(secret);

        final LongFunction<HttpRequest> requests;
        final String target;
        if (kind.equals("posts")) {
            final int users = Integer.parseInt(o.getOrDefault("users", "1000"));
            final String[] bearer = new String[users];
            for (int u = 0; u < users; u++) {
                bearer[u] = "Bearer " + tokens.issue("rl-user-" + u, "");
            }
            final String run = Long.toString(System.currentTimeMillis(), 36);
            target = Bench.fmt("POST /api/v1/posts by %,d users in turn", users);
            requests = i -> HttpRequest.newBuilder(base.resolve("/api/v1/posts")).timeout(timeout)
                    .header("User-Agent", "eventline-load").header("Authorization", bearer[(int) (i % users)])
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"Load post " + run + "-" + i
                            + ", about as long as a short post usually is.\"}"))
                    .build();
        } else {
            final int counters = Integer.parseInt(o.getOrDefault("counters", "10000"));
            final String domain = o.getOrDefault("domain", "bench");
            final String bearer = "Bearer " + tokens.issue("rl-bench-service", "service");
            target = Bench.fmt("POST /api/v1/ratelimit/check, domain %s, descriptor [client=c<i mod %,d>]", domain,
                    counters);
            requests = i -> HttpRequest.newBuilder(base.resolve("/api/v1/ratelimit/check")).timeout(timeout)
                    .header("User-Agent", "eventline-load").header("Authorization", bearer)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"domain\":\"" + domain + "\",\"descriptors\":"
                            + "[[{\"key\":\"client\",\"value\":\"c" + (i % counters) + "\"}]]}"))
                    .build();
        }

        final String rate = o.get("rate");
        final String concurrency = o.get("concurrency");
        if ((rate == null) == (concurrency == null)) {
            throw new IllegalArgumentException("give exactly one of rate= (open loop) and concurrency= (closed loop)");
        }
        System.out.println("eventline-load (RateLimitHttpLoad) " + kind);
        System.out.printf(Locale.ROOT, "%-12s %s at %s%n", "target", target, base);
        System.out.printf(Locale.ROOT, "%-12s %s for %s after a %s warm-up%n", "load", rate != null
                        ? "open loop, " + rate + "/s, at most " + connections + " connections"
                        : "closed loop, " + concurrency + " in flight", DurationConverter.format(duration),
                DurationConverter.format(warmup));
        System.out.printf(Locale.ROOT, "%-12s %s%n", "started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        System.out.flush();
        final Duration cpuBefore = ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO);
        final long wallBefore = System.nanoTime();
        final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "load-timeline");
            thread.setDaemon(true);
            return thread;
        });
        final Consumer<LatencyRecorder> started = recorder -> {
            if (interval != null) {
                final long startNanos = System.nanoTime();
                recorder.takeInterval();
                final long period = interval.toMillis();
                timer.scheduleAtFixedRate(() -> System.out.println(LoadReport.intervalLine(
                        Math.round((System.nanoTime() - startNanos) / 1e9), period / 1e3, recorder.takeInterval())),
                        period, period, TimeUnit.MILLISECONDS);
            }
        };
        final LoadResult result;
        try (HttpLoadRunner runner = new HttpLoadRunner(timeout)) {
            result = rate != null
                    ? runner.openLoop(new FixedRateSchedule(Double.parseDouble(rate), warmup, duration), connections,
                    requests, started)
                    : runner.closedLoop(Integer.parseInt(concurrency), warmup, duration, requests, started);
        } finally {
            timer.shutdownNow();
            timer.awaitTermination(1, TimeUnit.SECONDS);
        }
        System.out.print(LoadReport.format(result, "status",
                rate != null ? "from intended send time" : "from send, closed loop", percentiles));
        final double cpu = (ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO)
                .minus(cpuBefore)).toNanos() / 1e9;
        final double wall = (System.nanoTime() - wallBefore) / 1e9;
        System.out.printf(Locale.ROOT, "%-12s %.2f s in %.2f s = %.2f cores%n", "client cpu", cpu, wall, cpu / wall);
        System.out.flush();
        System.exit(result.measuredOutcomes() > 0 ? 0 : 1);
    }

    private static String required(Map<String, String> options, String name) {
        final String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + "= is required");
        }
        return value;
    }

    /** HS256 bearer tokens as {@code JwtAuth.issue} makes them: issuer, subject, issued and expiry, roles. */
    static final class Tokens {
        private final SecretKeySpec key;

        Tokens(String secret) {
            this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        }

        /** A token for {@code userId}, valid 24 hours, with {@code role} (none if empty). */
        String issue(String userId, String role) {
            final long now = Instant.now().getEpochSecond();
            final String header = encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
            final String payload = encode("{\"iss\":\"eventline\",\"sub\":\"" + userId + "\",\"iat\":" + now
                    + ",\"exp\":" + (now + 86_400) + ",\"roles\":[" + (role.isEmpty() ? "" : "\"" + role + "\"")
                    + "]}");
            try {
                final Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
                final byte[] signature = mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
                return header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String encode(String json) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        }
    }
}
