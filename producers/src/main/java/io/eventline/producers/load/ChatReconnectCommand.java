package io.eventline.producers.load;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chat sockets that reconnect, for drills that kill what they are connected to: direct pairs exchange messages
 * at a steady rate while every socket that closes or fails reconnects with backoff; the report says how long
 * reconnecting took and whether every message acknowledged to its sender reached its recipient.
 */
@Command(name = "ws-reconnect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat sockets in direct pairs that reconnect with backoff when they close or fail (asking "
                + "GET /api/v1/chat/endpoint where to, or straight to --url); reports reconnect times and messages "
                + "acknowledged but never delivered. Exit 1 if any was lost or a socket is still down at the end.",
                "Tokens are signed with the instance's secret, read from EVENTLINE_JWT_SECRET."})
final class ChatReconnectCommand implements Callable<Integer> {
    static final int MAX_CLIENTS = 2_000;
    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    static final Duration ACK_WAIT = Duration.ofSeconds(2);

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "base URL, e.g. nginx's http://127.0.0.1:22000 (loopback hosts only)")
    String url;

    @Option(names = "--clients", defaultValue = "40", paramLabel = "N",
            description = "sockets, two per direct channel (even; default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--rate", defaultValue = "20", paramLabel = "PER_SECOND",
            description = "messages per second in all, senders in turn (default ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "D",
            description = "how long to send (default ${DEFAULT-VALUE}; at most 1h)")
    Duration duration;

    @Option(names = "--via", defaultValue = "endpoint", paramLabel = "HOW",
            description = "endpoint: connect where GET /api/v1/chat/endpoint points; url: to --url's /ws "
                    + "(default ${DEFAULT-VALUE})")
    ReconnectingChat.Via via;

    @Option(names = "--max-backoff", defaultValue = "5s", converter = DurationConverter.class, paramLabel = "D",
            description = "longest wait between reconnect attempts (default ${DEFAULT-VALUE})")
    Duration maxBackoff;

    @Option(names = "--connect-rate", defaultValue = "20", paramLabel = "PER_SECOND",
            description = "sockets opened per second at the start (default ${DEFAULT-VALUE})")
    double connectRate;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
            description = "per handshake and request (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--settle", defaultValue = "60s", converter = DurationConverter.class, paramLabel = "D",
            description = "after the last send, how long to wait for every socket to be up and every "
                    + "acknowledged message delivered (default ${DEFAULT-VALUE})")
    Duration settle;

    @Option(names = "--user-prefix", paramLabel = "PREFIX",
            description = "users are <PREFIX>-<n> (default: reconnect-<run>)")
    String userPrefix;

    @Option(names = "--device", defaultValue = "drill", paramLabel = "NAME",
            description = "the device every socket connects as, so a reconnect resumes its cursor "
                    + "(default ${DEFAULT-VALUE})")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Reads the JWT secret; a test swaps it. */
    java.util.function.Function<String, String> environment = System::getenv;

    private final String run = Long.toString(System.currentTimeMillis(), 36);

    @Override
    public Integer call() throws InterruptedException {
        final PrintWriter out = spec.commandLine().getOut();
        final ChatTarget target = ChatTarget.of(spec, url, this::checkOptions, environment);
        final URI base = target.base();
        final JwtTokens tokens = target.tokens();
        out.println("eventline-load ws-reconnect");
        out.printf(Locale.ROOT, "%-12s GET /ws (WebSocket) %s, POST %s at %s%n", "target",
                via == ReconnectingChat.Via.endpoint ? "where GET /api/v1/chat/endpoint points" : "at the URL",
                ChatChannels.PATH, base);
        out.printf(Locale.ROOT, "%-12s %d sockets in %d direct pairs, %s messages/s for %s, reconnect backoff "
                        + "%d ms doubling up to %s%n", "load", clients, clients / 2, LoadReport.millis(rate),
                DurationConverter.format(duration), ReconnectingChat.FIRST_BACKOFF.toMillis(),
                DurationConverter.format(maxBackoff));
        out.printf(Locale.ROOT, "%-12s %s%n", "started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.flush();
        final AtomicInteger threads = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            final Thread thread = new Thread(r, "load-ws-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            final Thread thread = new Thread(r, "ws-reconnect");
            thread.setDaemon(true);
            return thread;
        });
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).executor(executor).build();
        final List<String> users = new ArrayList<>();
        final String prefix = userPrefix != null ? userPrefix : "reconnect-" + run;
        for (int i = 0; i < clients; i++) {
            users.add(prefix + "-" + i);
        }
        final ReconnectingChat chat = new ReconnectingChat(run, client, base, tokens, users, device, via, timeout,
                maxBackoff, scheduler);
        try {
            final List<List<String>> pairs = new ArrayList<>();
            for (int c = 0; c < clients / 2; c++) {
                pairs.add(users.subList(2 * c, 2 * c + 2));
            }
            final ChatChannels.Created created = ChatChannels.create(client, base, tokens, pairs, null, 4, timeout);
            out.printf(Locale.ROOT, "%-12s %s direct channels created in %.1f s (%s)%n", "channels",
                    ChatFrames.count(pairs.size() - created.failed()), created.seconds(),
                    LoadReport.counts(created.statuses()));
            if (created.failed() > 0) {
                out.printf(Locale.ROOT, "%-12s %d channels were not created; nothing sent%n", "failed",
                        created.failed());
                return 1;
            }
            final AtomicLong ticks = new AtomicLong();
            final int every = (int) Math.max(1, HEARTBEAT.toMillis() / 1_000);
            scheduler.scheduleAtFixedRate(() -> chat.tick(ticks.getAndIncrement(), every), 1, 1, TimeUnit.SECONDS);
            final int failed = chat.open(created.ids(), connectRate);
            out.printf(Locale.ROOT, "%-12s %d of %d connected at the first attempt%n", "sockets", clients - failed,
                    clients);
            out.flush();
            final FixedRateSchedule schedule = new FixedRateSchedule(rate, Duration.ZERO, duration);
            final long start = System.nanoTime();
            for (long i = 0; i < schedule.total(); i++) {
                ChatSockets.parkUntil(start + schedule.offsetNanos(i));
                chat.send(i);
            }
            final long settleEnd = System.nanoTime() + settle.toNanos();
            // the acknowledgements of the last sends are still on their way
            Thread.sleep(Math.min(ACK_WAIT.toMillis(), settle.toMillis()));
            while (!chat.settled() && System.nanoTime() - settleEnd < 0) {
                Thread.sleep(200);
            }
            out.print(chat.report());
            out.printf(Locale.ROOT, "%ntimeline: per second from %s (epoch ms %d); down is sampled once a second%n",
                    chat.start(), chat.start().toEpochMilli());
            out.println(ReconnectingChat.TIMELINE_HEADER);
            chat.timeline().forEach(out::println);
            out.flush();
            return chat.lost().isEmpty() && chat.socketsDown() == 0 ? 0 : 1;
        } finally {
            chat.close();
            scheduler.shutdownNow();
            Thread.sleep(200);
            executor.shutdownNow();
        }
    }

    private void checkOptions() {
        if (clients < 2 || clients > MAX_CLIENTS || clients % 2 != 0) {
            throw new IllegalArgumentException("--clients must be even, 2 to " + MAX_CLIENTS);
        }
        if (!(rate > 0 && rate <= 10_000)) {
            throw new IllegalArgumentException("--rate must be above 0 and at most 10000");
        }
        if (duration.isZero() || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("--duration must be above 0 and at most 1h");
        }
        if (settle.isNegative() || settle.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--settle must be 0 to 10m");
        }
        if (maxBackoff.compareTo(ReconnectingChat.FIRST_BACKOFF) < 0 || maxBackoff.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("--max-backoff must be 100ms to 1m");
        }
        if (!(connectRate > 0 && connectRate <= 1_000)) {
            throw new IllegalArgumentException("--connect-rate must be above 0 and at most 1000");
        }
    }
}
