package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks a file of acknowledged links ({@code http-post-urls --record}): each code must answer {@code GET /{code}}
 * with a redirect to its URL. Anything else is listed with what it answered, and the exit code is 1.
 */
@Command(name = "verify-urls", mixinStandardHelpOptions = true,
        description = "GET every code of a record file (http-post-urls --record) without following redirects and "
                + "check it redirects to its URL; exit 1 if any does not.")
final class VerifyUrlsCommand implements Callable<Integer> {
    static final int MAX_LISTED = 50;
    /** 429s one link may meet before it is listed with the last. */
    static final int MAX_REFUSALS = 30;
    private final AtomicLong nextSlotNanos = new AtomicLong(System.nanoTime());

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "base URL of the instance, e.g. http://localhost:8080 (loopback hosts only)")
    String url;

    @Option(names = "--record", required = true, paramLabel = "FILE", description = "the file to check")
    Path record;

    @Option(names = "--token", paramLabel = "JWT",
            description = "admin token, to learn the codes of writes that were answered 202 (pending)")
    String token;

    @Option(names = "--concurrency", defaultValue = "16", paramLabel = "N",
            description = "links checked at once (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--attempts", defaultValue = "5", paramLabel = "N",
            description = "tries per link while it answers 503 or no answer, a second apart (default ${DEFAULT-VALUE})")
    int attempts;

    @Option(names = "--rate", defaultValue = "80", paramLabel = "N",
            description = "redirects asked per second at most (default ${DEFAULT-VALUE}: under the platform's "
                    + "default limit of 100 a second per client address); a 429 is asked again after its Retry-After")
    double rate;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
            description = "per request (default ${DEFAULT-VALUE})")
    Duration timeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One line of a record file. */
    record Recorded(String code, String pendingEventId, String url) {
        static Recorded parse(String line) {
            final int tab = line.indexOf('\t');
            if (tab <= 0 || tab == line.length() - 1) {
                throw new IllegalArgumentException("not a record line: '" + line + "'");
            }
            final String key = line.substring(0, tab);
            final String url = line.substring(tab + 1);
            return key.startsWith(AcknowledgedWrites.PENDING_PREFIX)
                    ? new Recorded(null, key.substring(AcknowledgedWrites.PENDING_PREFIX.length()), url)
                    : new Recorded(key, null, url);
        }
    }

    /** What checking one link came to: {@code ok}, or a reason to list it. */
    record Checked(Recorded link, boolean ok, String outcome) {
    }

    @Override
    public Integer call() throws InterruptedException {
        final URI base;
        final List<Recorded> links = new ArrayList<>();
        try {
            base = LoopbackTargets.httpBase(url);
            if (concurrency < 1 || concurrency > 256) {
                throw new IllegalArgumentException("--concurrency must be 1 to 256");
            }
            if (!(rate > 0 && rate <= 100_000)) {
                throw new IllegalArgumentException("--rate must be above 0 and at most 100000");
            }
            if (attempts < 1 || attempts > 60) {
                throw new IllegalArgumentException("--attempts must be 1 to 60");
            }
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    links.add(Recorded.parse(line));
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        final PrintWriter out = spec.commandLine().getOut();
        out.println("eventline-load verify-urls");
        out.printf(Locale.ROOT, "%-12s GET /{code} of %s recorded links (%s) at %s%n", "target",
                ChatFrames.count(links.size()), record, base);
        out.flush();
        final ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            final Thread thread = new Thread(r, "verify-urls");
            thread.setDaemon(true);
            return thread;
        });
        // the client completes responses on threads of its own: the pool's threads block waiting for them
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).build();
        final List<Future<Checked>> futures = new ArrayList<>();
        final long start = System.nanoTime();
        for (Recorded link : links) {
            futures.add(pool.submit(() -> check(client, base, link)));
        }
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
        final List<Checked> bad = new ArrayList<>();
        for (Future<Checked> future : futures) {
            Checked checked;
            try {
                checked = future.get();
            } catch (java.util.concurrent.ExecutionException e) {
                checked = new Checked(null, false, LatencyRecorder.failureName(e));
            }
            outcomes.computeIfAbsent(checked.outcome(), k -> new LongAdder()).increment();
            if (!checked.ok()) {
                bad.add(checked);
            }
        }
        pool.shutdownNow();
        final SortedMap<String, Long> counts = new TreeMap<>();
        outcomes.forEach((name, n) -> counts.put(name, n.sum()));
        out.printf(Locale.ROOT, "%-12s %s in %.1f s: %s redirect to their URL, %s do not%n", "checked",
                ChatFrames.count(links.size()), (System.nanoTime() - start) / 1e9,
                ChatFrames.count(links.size() - bad.size()), ChatFrames.count(bad.size()));
        out.printf(Locale.ROOT, "%-12s %s%n", "answers", LoadReport.counts(counts));
        for (int i = 0; i < Math.min(MAX_LISTED, bad.size()); i++) {
            final Checked checked = bad.get(i);
            out.printf(Locale.ROOT, "%-12s %s %s -> %s%n", "missing",
                    checked.link() == null ? "?" : checked.link().code() != null ? checked.link().code()
                            : AcknowledgedWrites.PENDING_PREFIX + checked.link().pendingEventId(),
                    checked.link() == null ? "" : checked.link().url(), checked.outcome());
        }
        if (bad.size() > MAX_LISTED) {
            out.printf(Locale.ROOT, "%-12s ... and %d more%n", "missing", bad.size() - MAX_LISTED);
        }
        out.flush();
        return bad.isEmpty() ? 0 : 1;
    }

    private Checked check(HttpClient client, URI base, Recorded link) throws InterruptedException {
        String code = link.code();
        if (code == null) {
            if (token == null) {
                return new Checked(link, false, "pending, unresolved (no --token)");
            }
            final String resolved = resolve(client, base, link.pendingEventId());
            if (!resolved.startsWith("code ")) {
                return new Checked(link, false, resolved);
            }
            code = resolved.substring("code ".length());
        }
        String outcome = "none";
        int refusals = 0;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            pace();
            final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + code)).timeout(timeout)
                    .header("User-Agent", "eventline-load").GET().build();
            try {
                final HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                final int status = response.statusCode();
                outcome = Integer.toString(status);
                if (status == 301 || status == 302) {
                    final String location = response.headers().firstValue("Location").orElse("");
                    return location.equals(link.url()) ? new Checked(link, true, outcome)
                            : new Checked(link, false, outcome + " to " + location);
                }
                if (status == 429 && refusals++ < MAX_REFUSALS) {
                    // the check itself went over the limit: not an answer about the link
                    attempt--;
                    Thread.sleep(ChatChannels.retryAfterMillis(response.headers().firstValueAsLong("Retry-After")));
                    continue;
                }
                if (status != 503) {
                    return new Checked(link, false, outcome);
                }
            } catch (IOException e) {
                outcome = LatencyRecorder.failureName(e);
            }
            if (attempt < attempts) {
                Thread.sleep(1_000);
            }
        }
        return new Checked(link, false, outcome + (attempts > 1 ? " after " + attempts + " attempts" : ""));
    }

    /** Waits for this request's turn under {@code --rate}. */
    private void pace() throws InterruptedException {
        final long interval = (long) (1e9 / rate);
        final long now = System.nanoTime();
        final long slot = nextSlotNanos.accumulateAndGet(interval, (next, step) -> Math.max(next, now) + step) - interval;
        final long wait = slot - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** {@code code <code>} for a pending write that was accepted, else what became of it. */
    private String resolve(HttpClient client, URI base, String eventId) throws InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/operations/" + eventId))
                .timeout(timeout).header("User-Agent", "eventline-load").header("Authorization", "Bearer " + token)
                .GET().build();
        try {
            final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return "operation " + response.statusCode();
            }
            final JsonNode operation = ChatSocket.JSON.readTree(response.body());
            final String code = operation.path("result").path("code").asText("");
            return code.isEmpty() ? "operation " + operation.path("status").asText("?") : "code " + code;
        } catch (IOException e) {
            return "operation " + LatencyRecorder.failureName(e);
        }
    }
}
