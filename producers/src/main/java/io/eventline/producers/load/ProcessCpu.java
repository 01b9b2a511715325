package io.eventline.producers.load;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU this process used during a run. The load generator shares the machine with the instance it loads, so
 * what it takes is reported beside the results it produced.
 */
final class ProcessCpu {
    private final Optional<Duration> cpuAtStart;
    private final long wallAtStart;

    private ProcessCpu(Optional<Duration> cpuAtStart, long wallAtStart) {
        this.cpuAtStart = cpuAtStart;
        this.wallAtStart = wallAtStart;
    }

    static ProcessCpu start() {
        return new ProcessCpu(ProcessHandle.current().info().totalCpuDuration(), System.nanoTime());
    }

    /** {@code 4.10 s in 13.00 s = 0.32 cores}, or empty where the platform does not tell CPU time. */
    Optional<String> report() {
        final long wallNanos = System.nanoTime() - wallAtStart;
        return cpuAtStart.flatMap(before -> ProcessHandle.current().info().totalCpuDuration()
                .map(after -> describe(after.minus(before), Duration.ofNanos(wallNanos))));
    }

    static String describe(Duration cpu, Duration wall) {
        final double cpuSeconds = cpu.toNanos() / 1e9;
        final double wallSeconds = wall.toNanos() / 1e9;
        return String.format(Locale.ROOT, "%.2f s in %.2f s = %.2f cores", cpuSeconds, wallSeconds,
                wallSeconds > 0 ? cpuSeconds / wallSeconds : 0);
    }
}
