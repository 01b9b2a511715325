package io.eventline.shorturl;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resolves a link's host through the system resolver, waiting at most a bound: a slow or absent DNS must not hold
 * a request or a stream thread, and a name that does not resolve in time is judged by its name alone.
 */
public final class BoundedResolver implements LinkUrls.HostResolver, AutoCloseable {
    private final Duration timeout;
    private final ExecutorService lookups;

    /** @param timeout how long a lookup may take; @param threads lookups at once, more wait in a small queue */
    public BoundedResolver(Duration timeout, int threads) {
        this.timeout = timeout;
        this.lookups = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                runnable -> {
                    final Thread thread = new Thread(runnable, "eventline-link-resolver");
                    thread.setDaemon(true);
                    return thread;
                });
        ((ThreadPoolExecutor) lookups).allowCoreThreadTimeOut(true);
    }

    @Override
    public List<InetAddress> addresses(String host) {
        final Future<InetAddress[]> lookup;
        try {
            lookup = lookups.submit(() -> InetAddress.getAllByName(host));
        } catch (RejectedExecutionException e) {
            return List.of();
        }
        try {
            return List.of(lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            lookup.cancel(true);
            return List.of();
        } catch (ExecutionException e) {
            // an unknown name, or a resolver that failed: nothing to compare
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
