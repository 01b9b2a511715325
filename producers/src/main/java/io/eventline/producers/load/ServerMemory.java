package io.eventline.producers.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * How much memory the instance holds: the heap in use from its {@code /metrics} (the sum of Micrometer's
 * {@code jvm_memory_used_bytes} over the heap pools) and, when its process ID is given, the resident set from
 * {@code /proc}. Optionally asks the instance's JVM for a full collection first ({@code jcmd PID GC.run}), so the
 * heap figure is live data rather than wherever the collector happened to be.
 */
final class ServerMemory {
    private static final String HEAP_METRIC = "jvm_memory_used_bytes{";

    private ServerMemory() {
    }

    /** One reading; a part that could not be read is empty. */
    record Reading(OptionalLong heapUsedBytes, OptionalLong rssBytes, boolean collected) {
        String describe() {
            return "heap used " + mib(heapUsedBytes) + ", RSS " + mib(rssBytes)
                    + (collected ? " (after a full GC)" : "");
        }
    }

    /** @param authorization the {@code Authorization} header that opens the instance's {@code /metrics} */
    static Reading read(HttpClient client, URI base, String authorization, Long pid, boolean fullGc)
            throws InterruptedException {
        boolean collected = false;
        if (fullGc && pid != null) {
            collected = fullGc(pid);
        }
        OptionalLong heap = OptionalLong.empty();
        try {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10)).header("User-Agent", "eventline-load")
                    .header("Authorization", authorization).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                heap = heapUsedBytes(response.body());
            }
        } catch (IOException e) {
            // reported as unknown
        }
        OptionalLong rss = OptionalLong.empty();
        if (pid != null) {
            try {
                rss = rssBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            } catch (IOException e) {
                // not Linux, or the process is gone: reported as unknown
            }
        }
        return new Reading(heap, rss, collected);
    }

    /** The sum of {@code jvm_memory_used_bytes} over the series labelled {@code area="heap"}. */
    static OptionalLong heapUsedBytes(String prometheusText) {
        double sum = 0;
        boolean found = false;
        for (String line : prometheusText.split("\n")) {
            if (!line.startsWith(HEAP_METRIC)) {
                continue;
            }
            final int close = line.lastIndexOf('}');
            if (close < 0 || !line.substring(0, close).contains("area=\"heap\"")) {
                continue;
            }
            final String[] rest = line.substring(close + 1).strip().split("\\s+");
            try {
                sum += Double.parseDouble(rest[0]);
                found = true;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return found ? OptionalLong.of((long) sum) : OptionalLong.empty();
    }

    /** {@code VmRSS} of a {@code /proc/PID/status} text, in bytes. */
    static OptionalLong rssBytes(String procStatus) {
        for (String line : procStatus.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                final String[] parts = line.substring("VmRSS:".length()).strip().split("\\s+");
                if (parts.length == 2 && parts[1].equalsIgnoreCase("kB")) {
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        }
        return OptionalLong.empty();
    }

    /** {@code (after - before) / connections}, as text: {@code 41.2 KiB}, or {@code unknown}. */
    static String perConnection(OptionalLong before, OptionalLong after, long connections) {
        if (before.isEmpty() || after.isEmpty() || connections <= 0) {
            return "unknown";
        }
        final double bytes = (double) (after.getAsLong() - before.getAsLong()) / connections;
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
    }

    static String mib(OptionalLong bytes) {
        return bytes.isPresent() ? String.format(Locale.ROOT, "%.1f MiB", bytes.getAsLong() / 1048576.0) : "unknown";
    }

    private static boolean fullGc(long pid) throws InterruptedException {
        try {
            final Process jcmd = new ProcessBuilder("jcmd", Long.toString(pid), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!jcmd.waitFor(60, TimeUnit.SECONDS)) {
                jcmd.destroy();
                return false;
            }
            return jcmd.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
