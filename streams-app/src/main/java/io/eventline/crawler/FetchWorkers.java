package io.eventline.crawler;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of fetch threads on the instance that owns the released politeness keys. {@link #offer} never
 * blocks: it takes a job only while fewer than {@code concurrency} are taken and not finished, so at most that
 * many requests are in flight here, and at most that many are fetched again after a crash.
 */
public final class FetchWorkers implements FetchDispatch, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FetchWorkers.class);

    private final int concurrency;
    private final FetchWork work;
    private final ExecutorService threads;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();

    public FetchWorkers(int concurrency, FetchWork work) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be positive");
        }
        this.concurrency = concurrency;
        this.work = work;
        final AtomicInteger number = new AtomicInteger();
        final ThreadFactory factory = runnable -> {
            final Thread thread = new Thread(runnable, "crawler-fetch-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.threads = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), factory);
    }

    @Override
    public boolean offer(FetchJob job) {
        if (taken.incrementAndGet() > concurrency) {
            taken.decrementAndGet();
            return false;
        }
        try {
            threads.execute(() -> {
                try {
                    work.run(job);
                } catch (RuntimeException e) {
                    LOG.warn("Fetching {} failed; the frontier releases it again after its timeout",
                            job.entry().getUrl(), e);
                } finally {
                    done.incrementAndGet();
                    taken.decrementAndGet();
                }
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            taken.decrementAndGet();
            return false;
        }
    }

    /** Requests taken and not yet finished. */
    public int inFlight() {
        return taken.get();
    }

    /** Requests finished since start. */
    public long finished() {
        return done.get();
    }

    /** Whether the threads still take work. */
    public boolean running() {
        return !threads.isShutdown();
    }

    @Override
    public void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }
}
