package io.eventline.notify.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Arguments and plain-text output of the notification benchmarks: {@code name=value} options, a header naming the
 * JVM and the machine's load, numbers in {@link Locale#ROOT}.
 */
final class BenchOutput {
    /** The system property that carries the arguments through {@code exec:java}. */
    static final String ARGS_PROPERTY = "notify.bench.args";

    private BenchOutput() {
    }

    /** The arguments: {@value #ARGS_PROPERTY} if set (exec:java hands the module's exec:exec line over otherwise). */
    static String[] args(String[] commandLine) {
        final String property = System.getProperty(ARGS_PROPERTY);
        if (property != null) {
            return property.isBlank() ? new String[0] : property.trim().split("\\s+");
        }
        return commandLine;
    }

    /** {@code name=value} arguments, in order. */
    static Map<String, String> options(String[] args) {
        final Map<String, String> options = new LinkedHashMap<>();
        for (String arg : args) {
            final int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("not name=value: " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return options;
    }

    static void header(String name, Map<String, String> options) {
        line("%s %s", name, options);
        line("started %s; %d processors; load average %s; java %s; JVM options %s", Instant.now(),
                Runtime.getRuntime().availableProcessors(), loadAverage(), System.getProperty("java.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments());
    }

    static void footer(long beganNanos) {
        line("");
        line("finished %s after %.0f s; load average %s", Instant.now(), seconds(System.nanoTime() - beganNanos),
                loadAverage());
    }

    /** The first three fields of {@code /proc/loadavg} (1, 5 and 15 minutes), or "unknown". */
    static String loadAverage() {
        try {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The properties that decide how the topology commits, e.g. {@code exactly_once_v2, commit every 100 ms}. */
    static String streamsSummary(Properties props) {
        return fmt("%s, commit every %s ms, %s stream thread(s)",
                props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
                props.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static void line(String format, Object... args) {
        System.out.println(fmt(format, args));
        System.out.flush();
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** {@code 12,345/s} from a count and a duration. */
    static String rate(long n, long nanos) {
        return fmt("%,.0f/s", n / seconds(nanos));
    }
}
