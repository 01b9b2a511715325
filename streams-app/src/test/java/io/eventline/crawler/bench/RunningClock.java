package io.eventline.crawler.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wall time, the part of it this process did not run (stopped, not scheduled, or in a JVM pause, for over 200 ms at
 * a time), and the process's CPU time over all its threads (RocksDB's flushes and compactions included), so that
 * rates measured on a shared machine say how fast the work went while it ran.
 */
final class RunningClock implements AutoCloseable {
    private static final long TICK_MILLIS = 20;
    private static final long GAP_NANOS = 200_000_000L;

    private final AtomicLong pausedNanos = new AtomicLong();
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final Thread watcher = new Thread(this::watch, "running-clock");

    /** One reading of the clocks. */
    record Mark(long wallNanos, long pausedNanos, long cpuNanos) {
        /** Wall time from this mark to {@code later} less the pauses between them. */
        long runningTo(Mark later) {
            return later.wallNanos - wallNanos - (later.pausedNanos - pausedNanos);
        }

        long pausedTo(Mark later) {
            return later.pausedNanos - pausedNanos;
        }

        long cpuTo(Mark later) {
            return later.cpuNanos - cpuNanos;
        }
    }

    RunningClock() {
        watcher.setDaemon(true);
        watcher.start();
    }

    Mark mark() {
        return new Mark(System.nanoTime(), pausedNanos.get(), os.getProcessCpuTime());
    }

    private void watch() {
        long last = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            final long now = System.nanoTime();
            if (now - last > GAP_NANOS) {
                pausedNanos.addAndGet(now - last - TICK_MILLIS * 1_000_000);
            }
            last = now;
        }
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
