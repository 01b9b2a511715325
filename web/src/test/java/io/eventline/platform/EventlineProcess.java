package io.eventline.platform;

import static io.eventline.testing.Eventually.eventually;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * One Eventline instance running {@code java -jar eventline.jar run} in a child process, so that a test can kill
 * it the way an operating system or an orchestrator would. Its stdout and stderr go to files in a directory of
 * its own, which {@link #logTail(int)} reads back when something fails.
 */
public final class EventlineProcess implements AutoCloseable {
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    /** Overrides where the shaded jar is looked for. */
    public static final String JAR_PROPERTY = "eventline.jar";
    private static final Pattern READY_LINE = Pattern.compile("Eventline ready: (http://\\S+)");
    /**
     * A test instance lives a minute or two: the optimising compiler would spend more of the shared cores than
     * its code saves in that time (a two-instance test ran in 57 s with the quick compiler alone, 77 s with both).
     */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=5");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final InternalCalls INTERNAL = new InternalCalls(PlatformFixture.JWT_SECRET, Clock.systemUTC(),
            InternalCalls.DEFAULT_MAX_SKEW);
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path logDir;
    private final Path stdout;
    private final Path stderr;
    private final Thread reaper;
    private String baseUrl;

    private EventlineProcess(String name, Process process, Path logDir, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.logDir = logDir;
        this.stdout = stdout;
        this.stderr = stderr;
        // a test JVM that dies must not leave brokers holding ports and data directories
        this.reaper = new Thread(process::destroyForcibly, "eventline-process-reaper-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code eventline.jar run} with exactly {@code env} as its Eventline settings (none are inherited from
     * this JVM) and waits until it prints its ready line.
     *
     * @param name a label for logs and failure messages, e.g. {@code "instance-a"}
     */
    public static EventlineProcess start(String name, Map<String, String> env) throws IOException,
            InterruptedException {
        return start(name, env, READY_TIMEOUT);
    }

    public static EventlineProcess start(String name, Map<String, String> env, Duration readyTimeout)
            throws IOException, InterruptedException {
        final Path jar = jar();
        final Path logDir = Files.createTempDirectory("eventline-process-" + name + "-");
        final Path stdout = logDir.resolve("stdout.log");
        final Path stderr = logDir.resolve("stderr.log");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        command.add("run");
        final ProcessBuilder builder = new ProcessBuilder(command)
                .directory(logDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        final Map<String, String> childEnv = builder.environment();
        EventlineConfig.DEFAULTS.keySet().forEach(childEnv::remove);
        childEnv.remove("EVENTLINE_CONFIG_FILE");
        childEnv.putAll(env);
        final EventlineProcess started = new EventlineProcess(name, builder.start(), logDir, stdout, stderr);
        try {
            started.awaitReadyLine(readyTimeout);
            return started;
        } catch (RuntimeException | Error | InterruptedException e) {
            started.close();
            throw e;
        }
    }

    /**
     * The shaded jar built by {@code package}: failsafe runs with the {@code web} module as working directory, an
     * IDE often with the repository root.
     */
    public static Path jar() {
        final String configured = System.getProperty(JAR_PROPERTY);
        final List<Path> candidates = configured != null
                ? List.of(Path.of(configured))
                : List.of(Path.of("target", "eventline.jar"), Path.of("web", "target", "eventline.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst().map(Path::toAbsolutePath)
                .orElseThrow(() -> new IllegalStateException("The Eventline jar is missing: looked for "
                        + candidates.stream().map(p -> p.toAbsolutePath().toString()).toList()
                        + ". Build it first with `mvn -B -o -q -DskipTests -Dmaven.test.skip=true package` at the "
                        + "repository root, or point -D" + JAR_PROPERTY + " at it."));
    }

    /** Ports no other socket holds right now, all different from each other. */
    public static List<Integer> freePorts(int count) {
        final List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                held.add(new ServerSocket(0));
            }
            return held.stream().map(ServerSocket::getLocalPort).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // the port was only reserved for the duration of the lookup
                }
            }
        }
    }

    private void awaitReadyLine(Duration timeout) throws InterruptedException {
        final Optional<String> url = eventually(timeout, Duration.ofMillis(100), () -> {
            final Optional<String> ready = readyUrl();
            if (ready.isEmpty() && !process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready\n" + logTail(60));
            }
            return ready;
        }, Optional::isPresent);
        if (url.isPresent()) {
            baseUrl = url.get();
            return;
        }
        throw new IllegalStateException(name + " printed no ready line within " + timeout + "; its threads: "
                + threadDump() + "\n" + logTail(60));
    }

    /** Where the process's threads stood, written next to its logs: what a start that never ends waits for. */
    private Path threadDump() {
        final Path dump = logDir.resolve("threads.txt");
        try {
            final Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(dump.toFile()).start();
            jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            return Path.of("(no thread dump: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return dump;
    }

    private Optional<String> readyUrl() {
        final Matcher matcher = READY_LINE.matcher(read(stdout));
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    /** {@code http://localhost:<port>} as the instance announced it. */
    public String baseUrl() {
        return baseUrl;
    }

    /** A GET that does not follow redirects; {@code headers} are name, value pairs. */
    public HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A GET of the internal twin of the public {@code path}, signed as another instance signs it, acting for
     * {@code user} (null on an open route) from the loopback address.
     */
    public HttpResponse<String> getInternal(String path, String user, boolean allowStale) throws IOException,
            InterruptedException {
        final InternalCalls.Caller caller = new InternalCalls.Caller(
                user == null ? null : new Principal(user, Set.of()), "127.0.0.1", allowStale);
        final HttpRequest request = INTERNAL.request("GET", URI.create(baseUrl + InternalCalls.PREFIX + path),
                new byte[0], caller).timeout(REQUEST_TIMEOUT).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** A POST of a JSON body with a bearer token. */
    public HttpResponse<String> post(String path, String token, String json) throws IOException,
            InterruptedException {
        return send("POST", path, token, json);
    }

    /** A request with {@code method}, a bearer token, and a JSON body when {@code json} is not null. */
    public HttpResponse<String> send(String method, String path, String token, String json) throws IOException,
            InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or closed. Returns once the process is gone. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for " + STOP_TIMEOUT);
        }
    }

    /** SIGTERM, then waits for the orderly shutdown; kills the process if that takes too long. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            killHard();
        }
        return process.exitValue();
    }

    /** The last {@code lines} lines of stdout and of stderr, labelled, for failure messages. */
    public String logTail(int lines) {
        return "---- " + name + " (pid " + pid() + ") stdout, last " + lines + " lines: " + stdout + "\n"
                + tail(stdout, lines)
                + "---- " + name + " stderr, last " + lines + " lines: " + stderr + "\n"
                + tail(stderr, lines);
    }

    private static String tail(Path file, int lines) {
        final List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            // a log is only diagnostics; a half-written UTF-8 sequence must not fail the test
            try {
                return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            } catch (IOException again) {
                return "(unreadable: " + again + ")";
            }
        }
    }

    /** Kills the process if it still runs; its logs stay until {@link #deleteLogs()}. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            killHard();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down and runs the reaper itself
        }
    }

    public void deleteLogs() {
        deleteRecursively(logDir);
    }

    /** Deletes a directory tree such as an instance's data directory; missing files are fine. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leftovers in the temp directory are harmless
        }
    }

    /**
     * Prints the log tails of the processes it watches when a test fails and keeps their logs; deletes them when
     * it passes. JUnit calls a watcher after {@code @AfterEach}, so the tails show how the processes ended.
     */
    public static final class LogsOnFailure implements TestWatcher {
        private final List<EventlineProcess> watched = new ArrayList<>();

        public synchronized EventlineProcess watch(EventlineProcess process) {
            watched.add(process);
            return process;
        }

        @Override
        public synchronized void testFailed(ExtensionContext context, Throwable cause) {
            watched.forEach(process -> System.err.println(process.logTail(80)));
            watched.clear();
        }

        @Override
        public synchronized void testSuccessful(ExtensionContext context) {
            deleteLogsAndForget();
        }

        @Override
        public synchronized void testAborted(ExtensionContext context, Throwable cause) {
            deleteLogsAndForget();
        }

        private void deleteLogsAndForget() {
            watched.forEach(EventlineProcess::deleteLogs);
            watched.clear();
        }
    }
}
