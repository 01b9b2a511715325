package io.eventline.producers.load;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints a timeline line per interval while a run goes on, so a stall shows when it happened, not only that it did. */
final class IntervalPrinter implements AutoCloseable {
    private final PrintWriter out;
    private ScheduledExecutorService timer;

    IntervalPrinter(PrintWriter out) {
        this.out = out;
    }

    void start(LatencyRecorder recorder, Duration interval) {
        final long startNanos = System.nanoTime();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread thread = new Thread(r, "load-timeline");
            thread.setDaemon(true);
            return thread;
        });
        recorder.takeInterval();
        final long periodMillis = interval.toMillis();
        timer.scheduleAtFixedRate(() -> {
            final long elapsedSeconds = Math.round((System.nanoTime() - startNanos) / 1e9);
            final String line = LoadReport.intervalLine(elapsedSeconds, periodMillis / 1e3, recorder.takeInterval());
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (timer != null) {
            timer.shutdownNow();
            // a line being printed now must not land inside the report that follows
            timer.awaitTermination(1, TimeUnit.SECONDS);
        }
    }
}
