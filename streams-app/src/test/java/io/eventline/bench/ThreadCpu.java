package io.eventline.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's threads over a stretch of time, grouped by thread name with numbers replaced by {@code N}
 * (so the broker's request handlers, or a stream application's threads, make one line each). What no Java thread
 * accounts for (JIT compilers, garbage collection, the VM itself, RocksDB's native background threads) is the
 * process's CPU time minus theirs.
 */
public final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final Map<Long, Long> before;
    private final long processBefore;
    private final long wallBefore = System.nanoTime();

    private ThreadCpu(Map<Long, Long> before, long processBefore) {
        this.before = before;
        this.processBefore = processBefore;
    }

    public static ThreadCpu start() {
        return new ThreadCpu(snapshot(null), OS.getProcessCpuTime());
    }

    private static Map<Long, Long> snapshot(Map<Long, String> names) {
        final Map<Long, Long> cpu = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            final long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
                if (names != null) {
                    final ThreadInfo info = THREADS.getThreadInfo(id);
                    if (info != null) {
                        names.put(id, info.getThreadName());
                    }
                }
            }
        }
        return cpu;
    }

    /**
     * Prints the CPU per group since {@link #start()}, largest first, and per one of {@code records} (a
     * {@code unit}, e.g. "check"); a thread that started and ended meanwhile is named by {@code endedThread}, with
     * the CPU it reported.
     */
    public void print(long records, String unit, String endedThread, long endedThreadNanos) {
        final Map<Long, String> names = new HashMap<>();
        final Map<Long, Long> after = snapshot(names);
        final long process = OS.getProcessCpuTime() - processBefore;
        final double wall = Bench.seconds(System.nanoTime() - wallBefore);
        final Map<String, Long> groups = new TreeMap<>();
        long threads = 0;
        for (Map.Entry<Long, Long> thread : after.entrySet()) {
            final long used = thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            final String name = names.getOrDefault(thread.getKey(), "?");
            groups.merge(group(name), used, Long::sum);
            threads += used;
        }
        groups.put(endedThread, endedThreadNanos);
        groups.put("not Java threads: JIT compilers, GC, VM, RocksDB's flushes and compactions",
                process - threads - endedThreadNanos);
        Bench.line("    cpu: whole process %.2f s in %.2f s = %.2f cores, %.1f us per %s; by thread group:",
                Bench.seconds(process), wall, Bench.seconds(process) / wall, process / 1e3 / records, unit);
        groups.entrySet().stream().filter(g -> g.getValue() >= 50_000_000L)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(g -> Bench.line("      %7.2f s  %5.1f us/%s  %s", Bench.seconds(g.getValue()),
                        g.getValue() / 1e3 / records, unit, g.getKey()));
    }

    /** A thread's group: its name with every number replaced by N and a stream application's ID cut short. */
    static String group(String name) {
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>")
                .replaceAll("\\d+", "N");
    }
}
