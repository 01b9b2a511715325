package io.eventline.crawler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    /** Longest a closing frontier task waits for its aborted requests: a loopback abort takes milliseconds. */
    private static final Duration ABANDON_WAIT = Duration.ofSeconds(5);

    private final int concurrency;
    private final FetchWork work;
    private final ExecutorService threads;
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicLong done = new AtomicLong();
    /** The job running for each politeness key (the frontier releases one per key at a time). */
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    /** A job on its thread, which {@link #abandon} interrupts unless it finished. */
    private static final class Running {
        private final Thread thread = Thread.currentThread();
        private boolean finished;

        synchronized void abandon() {
            if (!finished) {
                thread.interrupt();
            }
        }

        /** Marks the job finished and clears an interrupt it was sent, so that the thread's next job runs. */
        synchronized void finish() {
            finished = true;
            Thread.interrupted();
            notifyAll();
        }
    }

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
                final Running current = new Running();
                running.put(job.politenessKey(), current);
                try {
                    work.run(job);
                } catch (RuntimeException e) {
                    LOG.warn("Fetching {} failed; the frontier releases it again after its timeout",
                            job.entry().getUrl(), e);
                } finally {
                    running.remove(job.politenessKey(), current);
                    current.finish();
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

    @Override
    public void abandon(Collection<String> politenessKeys) {
        final List<Running> stopping = new ArrayList<>();
        for (String key : politenessKeys) {
            final Running job = running.get(key);
            if (job != null) {
                job.abandon();
                stopping.add(job);
            }
        }
        final long deadline = System.nanoTime() + ABANDON_WAIT.toNanos();
        for (Running job : stopping) {
            synchronized (job) {
                while (!job.finished && System.nanoTime() < deadline) {
                    try {
                        job.wait(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
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
