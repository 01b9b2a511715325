package io.eventline.producers.load;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chat over WebSockets, as many users on one machine: {@code pairs} measures how long a message takes from its
 * sender's socket to its recipient's, between users in direct channels; {@code idle} opens connections, keeps
 * them alive with heartbeats and reads how much memory the instance holds per connection; {@code groups} sends
 * into 100-member groups and counts the deliveries the fan-out makes. Users act with tokens signed with the
 * instance's secret ({@code EVENTLINE_JWT_SECRET}); the instance's rate-limit rules must allow the connects and
 * channel creations of a run.
 */
@Command(name = "ws-chat", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat over WebSockets against a local instance: message latency between direct pairs "
                + "(--mode pairs), idle connections held and memory per connection (--mode idle), fan-out into "
                + "groups (--mode groups).",
                "Tokens are signed with the instance's secret, read from EVENTLINE_JWT_SECRET."})
final class ChatLoadCommand implements Callable<Integer> {
    static final int MAX_CLIENTS = 50_000;
    static final int MAX_MEMBERS = 10_000;
    static final int MAX_TEXT = 100_000;
    static final int MAX_CONCURRENCY = 10_000;
    static final Duration MAX_DURATION = Duration.ofHours(1);
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(5);

    /** What a run measures. */
    enum Mode { pairs, idle, groups }

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "base URL of the instance, e.g. http://localhost:8080 (loopback hosts only)")
    String url;

    @Option(names = "--mode", defaultValue = "pairs", paramLabel = "MODE",
            description = "pairs, idle or groups (default ${DEFAULT-VALUE})")
    Mode mode;

    @Option(names = "--clients", defaultValue = "1000", paramLabel = "N",
            description = "pairs: sockets, two per direct channel (even); idle: connections to open "
                    + "(default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--groups", defaultValue = "10", paramLabel = "G",
            description = "groups: how many group channels (default ${DEFAULT-VALUE})")
    int groups;

    @Option(names = "--members", defaultValue = "100", paramLabel = "M",
            description = "groups: members of each group, its creator included, each with a socket "
                    + "(default ${DEFAULT-VALUE})")
    int members;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "open loop: send this many messages per second in all, senders in turn "
                    + "(the default, at 1000/s, unless --concurrency is given)")
    Double rate;

    @Option(names = "--concurrency", paramLabel = "K",
            description = "closed loop: keep K messages on their way, each until every recipient has it")
    Integer concurrency;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "D",
            description = "how long to measure, after the warm-up (default ${DEFAULT-VALUE}; at most 1h)")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
            description = "messages sent first and not measured (default ${DEFAULT-VALUE})")
    Duration warmup;

    @Option(names = "--hold", defaultValue = "30s", converter = DurationConverter.class, paramLabel = "D",
            description = "idle: how long to hold the connections before memory is read again "
                    + "(default ${DEFAULT-VALUE})")
    Duration hold;

    @Option(names = "--connect-rate", defaultValue = "200", paramLabel = "PER_SECOND",
            description = "sockets opened per second (default ${DEFAULT-VALUE})")
    double connectRate;

    @Option(names = "--connect-concurrency", defaultValue = "64", paramLabel = "N",
            description = "at most N handshakes in flight (default ${DEFAULT-VALUE})")
    int connectConcurrency;

    @Option(names = "--heartbeat", converter = DurationConverter.class, paramLabel = "D",
            description = "heartbeat interval of each socket (default: the hello's heartbeatIntervalSeconds, "
                    + "else 5s)")
    Duration heartbeat;

    @Option(names = "--ack-interval", defaultValue = "0s", converter = DurationConverter.class, paramLabel = "D",
            description = "acknowledge each socket's highest seq every D; 0s acknowledges each message frame "
                    + "as it arrives (default ${DEFAULT-VALUE})")
    Duration ackInterval;

    @Option(names = "--text-length", defaultValue = "64", paramLabel = "CHARS",
            description = "characters per message text (default ${DEFAULT-VALUE})")
    int textLength;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class, paramLabel = "D",
            description = "for a handshake and hello, a channel creation, and how long deliveries are awaited "
                    + "after the last send (closed loop: per message) (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--user-prefix", paramLabel = "PREFIX",
            description = "users are <PREFIX>-<n> (default: chat-<run>, new users each run)")
    String userPrefix;

    @Option(names = "--device", defaultValue = "load", paramLabel = "NAME",
            description = "the device every socket connects as (default ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--server-pid", paramLabel = "PID",
            description = "idle: the instance's process, whose RSS is read before and after")
    Long serverPid;

    @Option(names = "--full-gc",
            description = "idle: have the instance collect its heap (jcmd PID GC.run) before each reading")
    boolean fullGc;

    @Option(names = "--percentiles", description = "also print the full latency distributions")
    boolean percentiles;

    @Option(names = "--interval", converter = DurationConverter.class, paramLabel = "D",
            description = "also print a line per interval of D (at least 1s), warm-up included")
    Duration interval;

    @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT",
            description = "also report the bytes the brokers' logs grew by during the run, per topic, per message "
                    + "and per delivery (run with --warmup 0s so that every message sent counts)")
    String kafkaBootstrap;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Reads the JWT secret; a test swaps it. */
    java.util.function.Function<String, String> environment = System::getenv;

    private final String run = Long.toString(System.currentTimeMillis(), 36);
    /** How long the log sizes wait after the last delivery: longer than the streams' commit intervals. */
    private static final Duration LOG_SETTLE = Duration.ofSeconds(5);

    @Override
    public Integer call() throws InterruptedException {
        final ChatTarget target = ChatTarget.of(spec, url, this::checkOptions, environment);
        final URI base = target.base();
        final JwtTokens tokens = target.tokens();
        final PrintWriter out = spec.commandLine().getOut();
        out.println("eventline-load ws-chat");
        out.printf(Locale.ROOT, "%-12s %s%n", "target", "GET /ws (WebSocket)"
                + (mode == Mode.idle ? ", GET /metrics" : ", POST " + ChatChannels.PATH) + " at " + base);
        out.printf(Locale.ROOT, "%-12s %s%n", "mode", describeMode());
        out.printf(Locale.ROOT, "%-12s %s%n", "load", describeLoad());
        out.printf(Locale.ROOT, "%-12s %s%n", "started", Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.flush();
        final AtomicInteger threads = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(
                Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
                    final Thread thread = new Thread(r, "load-ws-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout).executor(executor).build();
        try {
            return mode == Mode.idle ? idle(out, client, base, tokens) : traffic(out, client, base, tokens);
        } finally {
            out.flush();
            executor.shutdownNow();
        }
    }

    private int traffic(PrintWriter out, HttpClient client, URI base, JwtTokens tokens) throws InterruptedException {
        final int channelCount = mode == Mode.pairs ? clients / 2 : groups;
        final int size = mode == Mode.pairs ? 2 : members;
        final List<String> users = users(channelCount * size);
        final List<List<String>> channelMembers = new ArrayList<>();
        for (int c = 0; c < channelCount; c++) {
            channelMembers.add(users.subList(c * size, (c + 1) * size));
        }
        if (mode == Mode.groups) {
            final long notSignedIn = ChatChannels.signIn(client, base, tokens, users, 8, timeout);
            if (notSignedIn > 0) {
                out.printf(Locale.ROOT, "%-12s %d users could not sign in; nothing sent%n", "failed", notSignedIn);
                return 1;
            }
        }
        final ChatChannels.Created created = ChatChannels.create(client, base, tokens, channelMembers,
                mode == Mode.groups ? prefix() + "-group" : null, 8, timeout);
        out.printf(Locale.ROOT, "%-12s %s %s channels created in %.1f s (%s)%n", "channels",
                ChatFrames.count(channelCount - created.failed()), mode == Mode.pairs ? "direct" : "group",
                created.seconds(), LoadReport.counts(created.statuses()));
        out.flush();
        if (created.failed() > 0) {
            out.printf(Locale.ROOT, "%-12s %d channels were not created; nothing sent%n", "failed", created.failed());
            return 1;
        }
        final ChatTraffic traffic = new ChatTraffic(run, channelCount, size, textLength, ackInterval.isZero(),
                timeout.toNanos());
        try (ChatSockets sockets = connect(out, client, base, tokens, users, traffic)) {
            if (sockets.connected() < users.size()) {
                out.printf(Locale.ROOT, "%-12s only %d of %d sockets connected; nothing sent%n", "failed",
                        sockets.connected(), users.size());
                return 1;
            }
            traffic.attach(created.ids(), sockets);
            final BrokerLogBytes logBytes = kafkaBootstrap == null ? null : new BrokerLogBytes(kafkaBootstrap);
            final Map<String, Long> logsBefore = logBytes == null ? null : logBytes.perTopic();
            final ProcessCpu cpu = ProcessCpu.start();
            final ChatTrafficResult result;
            try (IntervalPrinter timeline = new IntervalPrinter(out)) {
                final Consumer<LatencyRecorder> started = recorder -> {
                    if (interval != null) {
                        timeline.start(recorder, interval);
                    }
                };
                result = concurrency != null
                        ? traffic.closedLoop(concurrency, warmup.toNanos(), duration.toNanos(), started)
                        : traffic.openLoop(new FixedRateSchedule(rateOrDefault(), warmup, duration), started);
            }
            out.print(LoadReport.format(result.delivered(), "outcome", concurrency != null
                    ? "send to the last recipient's message frame, closed loop"
                    : "intended send time to the last recipient's message frame", percentiles));
            out.print(result.format(percentiles));
            out.printf(Locale.ROOT, "%-12s %s heartbeats, %s batched seq acks sent%n", "ticker",
                    ChatFrames.count(sockets.heartbeatsSent()), ChatFrames.count(sockets.batchedAcksSent()));
            cpu.report().ifPresent(text -> out.printf(Locale.ROOT, "%-12s %s%n", "client cpu", text));
            if (logBytes != null) {
                try (logBytes) {
                    // the stream steps behind the last delivery still write their changelogs and commit
                    Thread.sleep(LOG_SETTLE.toMillis());
                    out.print(BrokerLogBytes.growth(logsBefore, logBytes.perTopic(), result.measuredMessages(),
                            result.measuredDeliveries(), textLength));
                }
            }
            out.flush();
            return result.delivered().measuredOutcomes() > 0 ? 0 : 1;
        }
    }

    private int idle(PrintWriter out, HttpClient client, URI base, JwtTokens tokens) throws InterruptedException {
        final String metricsAuthorization = "Bearer " + tokens.issueAdmin("load-metrics");
        final ServerMemory.Reading before = ServerMemory.read(client, base, metricsAuthorization, serverPid, fullGc);
        out.printf(Locale.ROOT, "%-12s %s%n", "server", "before: " + before.describe());
        out.flush();
        final IdleFrames frames = new IdleFrames();
        frames.running = true;
        try (ChatSockets sockets = connect(out, client, base, tokens, users(clients), frames)) {
            final ProcessCpu cpu = ProcessCpu.start();
            final Duration beat = heartbeatOf(sockets);
            final long start = System.nanoTime();
            final long end = start + hold.toNanos();
            if (interval == null) {
                ChatSockets.parkUntil(end);
            } else {
                for (long line = start + interval.toNanos(); line - end < 0; line += interval.toNanos()) {
                    ChatSockets.parkUntil(line);
                    out.printf(Locale.ROOT, "%-12s open %d%n", "+" + Math.round((line - start) / 1e9) + "s",
                            sockets.open());
                    out.flush();
                }
                ChatSockets.parkUntil(end);
            }
            final int held = sockets.open();
            final ServerMemory.Reading after = ServerMemory.read(client, base, metricsAuthorization, serverPid,
                    fullGc);
            frames.running = false;
            out.printf(Locale.ROOT, "%-12s %s of %s connections open after %s (%d closed since the first opened)%n",
                    "held",
                    ChatFrames.count(held), ChatFrames.count(clients), DurationConverter.format(hold),
                    frames.closed.sum());
            out.printf(Locale.ROOT, "%-12s %s%n", "server", "after: " + after.describe());
            out.printf(Locale.ROOT, "%-12s heap %s, RSS %s (growth from before, divided by %s held)%n",
                    "per socket", ServerMemory.perConnection(before.heapUsedBytes(), after.heapUsedBytes(), held),
                    ServerMemory.perConnection(before.rssBytes(), after.rssBytes(), held), ChatFrames.count(held));
            out.printf(Locale.ROOT, "%-12s %s%n", "frames in", LoadReport.counts(frames.counts()));
            out.printf(Locale.ROOT, "%-12s %s heartbeats sent (every %s per socket)%n", "ticker",
                    ChatFrames.count(sockets.heartbeatsSent()), DurationConverter.format(beat));
            cpu.report().ifPresent(text -> out.printf(Locale.ROOT, "%-12s %s%n", "client cpu", text));
            out.flush();
            return held > 0 ? 0 : 1;
        }
    }

    /**
     * Opens a socket per user, heartbeats (and batched acknowledgements) running from the first one on, at the
     * option's interval or 5 s until a hello tells the server's.
     */
    private ChatSockets connect(PrintWriter out, HttpClient client, URI base, JwtTokens tokens, List<String> users,
                                ChatSocket.Frames frames) throws InterruptedException {
        final ChatSockets sockets = new ChatSockets(users.size());
        sockets.startTicker(heartbeat != null ? heartbeat : DEFAULT_HEARTBEAT, ackInterval);
        sockets.open(client, base, tokens, users, device, connectRate, connectConcurrency, timeout, frames);
        sockets.heartbeatEvery(heartbeatOf(sockets));
        out.printf(Locale.ROOT, "%-12s %s of %s connected (hello received) in %.1f s; failures %s%n", "sockets",
                ChatFrames.count(sockets.connected()), ChatFrames.count(users.size()), sockets.connectSeconds(),
                LoadReport.counts(sockets.failures()));
        out.flush();
        return sockets;
    }

    /** The heartbeat interval: the option, else what the server's hello asks for, else 5 s. */
    private Duration heartbeatOf(ChatSockets sockets) {
        if (heartbeat != null) {
            return heartbeat;
        }
        for (int i = 0; i < sockets.size(); i++) {
            final ChatSocket socket = sockets.get(i);
            if (socket != null && socket.hello() != null) {
                return heartbeatFromHello(socket.hello());
            }
        }
        return DEFAULT_HEARTBEAT;
    }

    /** The hello's {@code heartbeatIntervalSeconds}, or 5 s if it has none. */
    static Duration heartbeatFromHello(JsonNode hello) {
        final double seconds = hello.path("heartbeatIntervalSeconds").asDouble(0);
        return seconds > 0 ? Duration.ofMillis(Math.round(seconds * 1_000)) : DEFAULT_HEARTBEAT;
    }

    /** The users of this run: {@code <prefix>-0} to {@code <prefix>-<count - 1>}. */
    List<String> users(int count) {
        final List<String> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(prefix() + "-" + i);
        }
        return users;
    }

    private String prefix() {
        return userPrefix != null ? userPrefix : "chat-" + run;
    }

    double rateOrDefault() {
        return rate != null ? rate : 1_000;
    }

    /** Rejects options that do not fit the mode or would not end. */
    void checkOptions() {
        if (rate != null && concurrency != null) {
            throw new IllegalArgumentException(
                    "give at most one of --rate (open loop) and --concurrency (closed loop)");
        }
        if (mode == Mode.idle && (rate != null || concurrency != null)) {
            throw new IllegalArgumentException("--mode idle sends no messages: no --rate or --concurrency");
        }
        if (mode != Mode.idle && (serverPid != null || fullGc)) {
            throw new IllegalArgumentException("--server-pid and --full-gc are for --mode idle");
        }
        if (fullGc && serverPid == null) {
            throw new IllegalArgumentException("--full-gc needs --server-pid");
        }
        if (serverPid != null && serverPid <= 0) {
            throw new IllegalArgumentException("--server-pid must be a process ID");
        }
        switch (mode) {
            case pairs -> {
                if (clients < 2 || clients > MAX_CLIENTS || clients % 2 != 0) {
                    throw new IllegalArgumentException("--clients must be even, 2 to " + MAX_CLIENTS
                            + " (two per direct channel)");
                }
            }
            case idle -> {
                if (clients < 1 || clients > MAX_CLIENTS) {
                    throw new IllegalArgumentException("--clients must be 1 to " + MAX_CLIENTS);
                }
                requireWithin("--hold", hold);
            }
            case groups -> {
                if (members < 2 || members > MAX_MEMBERS) {
                    throw new IllegalArgumentException("--members must be 2 to " + MAX_MEMBERS);
                }
                if (groups < 1 || (long) groups * members > MAX_CLIENTS) {
                    throw new IllegalArgumentException("--groups must be at least 1, with --groups x --members at most "
                            + MAX_CLIENTS + " sockets");
                }
            }
            default -> throw new IllegalStateException("unknown mode " + mode);
        }
        requireWithin("--duration", duration);
        if (warmup.isNegative() || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--warmup must be 0 to 10m");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("--timeout must be above 0 and at most 5m");
        }
        if (rate != null && !(rate > 0 && rate <= FixedRateSchedule.MAX_RATE)) {
            throw new IllegalArgumentException(
                    "--rate must be above 0 and at most " + (long) FixedRateSchedule.MAX_RATE);
        }
        if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
            throw new IllegalArgumentException("--concurrency must be 1 to " + MAX_CONCURRENCY);
        }
        if (!(connectRate > 0 && connectRate <= 100_000)) {
            throw new IllegalArgumentException("--connect-rate must be above 0 and at most 100000");
        }
        if (connectConcurrency < 1 || connectConcurrency > 1_024) {
            throw new IllegalArgumentException("--connect-concurrency must be 1 to 1024");
        }
        if (heartbeat != null && heartbeat.compareTo(ChatSockets.TICK) < 0) {
            throw new IllegalArgumentException(
                    "--heartbeat must be at least " + DurationConverter.format(ChatSockets.TICK));
        }
        if (ackInterval.isNegative() || (!ackInterval.isZero() && ackInterval.compareTo(ChatSockets.TICK) < 0)) {
            throw new IllegalArgumentException("--ack-interval must be 0s or at least "
                    + DurationConverter.format(ChatSockets.TICK));
        }
        if (textLength < 1 || textLength > MAX_TEXT) {
            throw new IllegalArgumentException("--text-length must be 1 to " + MAX_TEXT);
        }
        if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("--interval must be at least 1s");
        }
        if (userPrefix != null && !userPrefix.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--user-prefix must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        if (!device.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("--device must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
    }

    private static void requireWithin(String option, Duration value) {
        if (value.isZero() || value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(option + " must be above 0 and at most 1h");
        }
    }

    String describeMode() {
        return switch (mode) {
            case pairs -> ChatFrames.count(clients) + " sockets in " + ChatFrames.count(clients / 2)
                    + " direct channels; both members send, in turn";
            case idle -> ChatFrames.count(clients) + " sockets, idle but for heartbeats, held "
                    + DurationConverter.format(hold);
            case groups -> ChatFrames.count(groups) + " groups of " + members + " members ("
                    + ChatFrames.count((long) groups * members) + " sockets); members send in turn, each message to "
                    + (members - 1) + " recipients";
        };
    }

    String describeLoad() {
        final String connects = String.format(Locale.ROOT, "connects at %s/s, at most %d in flight",
                number(connectRate), connectConcurrency);
        final String beats = "heartbeat " + (heartbeat == null ? "as the hello asks" : "every "
                + DurationConverter.format(heartbeat));
        if (mode == Mode.idle) {
            return connects + "; " + beats;
        }
        final String times = " for " + DurationConverter.format(duration) + " after a "
                + DurationConverter.format(warmup) + " warm-up";
        final String loop = concurrency != null
                ? "closed loop, " + concurrency + " messages on their way" + times
                : "open loop, " + number(rateOrDefault()) + " messages/s" + times;
        return loop + ", " + textLength + "-character texts; " + beats + "; seq acks "
                + (ackInterval.isZero() ? "per message frame" : "every " + DurationConverter.format(ackInterval))
                + "; " + connects;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** Idle sockets: frames are only counted, and sockets that close while held. */
    private static final class IdleFrames implements ChatSocket.Frames {
        private final Map<String, LongAdder> types = new ConcurrentHashMap<>();
        private final LongAdder closed = new LongAdder();
        private volatile boolean running;

        @Override
        public void received(ChatSocket socket, JsonNode frame, long nowNanos) {
            types.computeIfAbsent(frame.path("type").asText("none"), k -> new LongAdder()).increment();
        }

        @Override
        public void closed(ChatSocket socket) {
            if (running) {
                closed.increment();
            }
        }

        SortedMap<String, Long> counts() {
            final SortedMap<String, Long> counts = new TreeMap<>();
            types.forEach((name, count) -> counts.put(name, count.sum()));
            return counts;
        }
    }
}
