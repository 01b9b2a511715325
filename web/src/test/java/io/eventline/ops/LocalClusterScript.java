package io.eventline.ops;

import static io.eventline.testing.Eventually.eventually;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code ops/local-cluster.sh} run as an operator runs it, on a cluster directory and port base of a test's own,
 * and the nginx it configures (Debian's, installed by the build's pre-integration-test phase when missing).
 */
final class LocalClusterScript {
    static final Path SCRIPT = Path.of("..", "ops", "local-cluster.sh").toAbsolutePath().normalize();

    /** What a run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private final Path dir;
    private final int portBase;

    /**
     * @param dir      the cluster directory ({@code EVENTLINE_CLUSTER_DIR})
     * @param portBase {@code EVENTLINE_CLUSTER_PORT_BASE}
     */
    LocalClusterScript(Path dir, int portBase) {
        this.dir = dir;
        this.portBase = portBase;
    }

    /** A port base whose nginx port and first {@code instances} instance ports are free now. */
    static int freePortBase(int instances) {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int base = 30_000 + 100 * ThreadLocalRandom.current().nextInt(300);
            boolean free = true;
            for (int i = 0; i <= instances && free; i++) {
                free = isFree(base + 10 * i);
            }
            if (free) {
                return base;
            }
        }
        throw new IllegalStateException("no free port base found");
    }

    int portBase() {
        return portBase;
    }

    int instancePort(int instance) {
        return portBase + 10 * instance;
    }

    Result run(String... arguments) throws IOException, InterruptedException {
        return run(Map.of(), arguments);
    }

    Result run(Map<String, String> extraEnv, String... arguments) throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("EVENTLINE_CLUSTER_DIR", dir.toString());
        builder.environment().put("EVENTLINE_CLUSTER_PORT_BASE", Integer.toString(portBase));
        builder.environment().putAll(extraEnv);
        final Path out = Files.createTempFile(dir.getParent(), "script-", ".out");
        final Path err = Files.createTempFile(dir.getParent(), "script-", ".err");
        final Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("local-cluster.sh " + String.join(" ", arguments) + " did not finish in 30 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Writes the nginx configuration the script renders for {@code instances} where the script keeps it, with the
     * directories it names, and returns its path.
     */
    Path writeNginxConfig(String... instances) throws IOException, InterruptedException {
        final Result rendered = run(prepend("nginx-config", instances));
        if (rendered.exitCode() != 0) {
            throw new AssertionError("nginx-config failed: " + rendered.stderr());
        }
        for (String sub : List.of("logs", "run", "nginx/temp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        final Path config = dir.resolve("nginx/nginx.conf");
        Files.writeString(config, rendered.stdout());
        return config;
    }

    /** {@code nginx -t} on the written configuration: exit code and output. */
    Result testNginxConfig() throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(nginx("-t")).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(30, TimeUnit.SECONDS);
        return new Result(process.exitValue(), "", output);
    }

    /** Starts nginx in the foreground on the written configuration; returns once it accepts connections. */
    Process startNginx() throws Exception {
        final Process nginx = new ProcessBuilder(nginx("-g", "daemon off;")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("logs/nginx-stdout.log").toFile()).start();
        final boolean listening = eventually(Duration.ofSeconds(10), Duration.ofMillis(50), () -> {
            if (!nginx.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(dir.resolve("logs/nginx-error.log")));
            }
            return !isFree(portBase);
        });
        if (!listening) {
            nginx.destroyForcibly();
            throw new AssertionError("nginx did not listen on " + portBase);
        }
        return nginx;
    }

    Path file(String relative) {
        return dir.resolve(relative);
    }

    private List<String> nginx(String... arguments) {
        final List<String> command = new ArrayList<>(List.of("nginx", "-p", dir.resolve("nginx").toString(),
                "-c", dir.resolve("nginx/nginx.conf").toString(), "-e", dir.resolve("logs/nginx-error.log").toString()));
        command.addAll(List.of(arguments));
        return command;
    }

    private static String[] prepend(String first, String... rest) {
        final String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static boolean isFree(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return false;
        } catch (IOException refused) {
            try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return true;
            } catch (IOException taken) {
                return false;
            }
        }
    }
}
