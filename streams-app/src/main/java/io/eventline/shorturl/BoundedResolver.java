package io.eventline.shorturl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Resolves a link's host through the system resolver, waiting at most a bound: a slow or absent DNS must not hold
 * a request or a stream thread, and a name that does not resolve in time is judged by its name alone. A lookup is
 * remembered for a while, answered or not, so the API and the stream checking the same link, or a run of links
 * to one host, ask the resolver once.
 */
public final class BoundedResolver implements LinkUrls.HostResolver, AutoCloseable {
    private static final Duration REMEMBERED = Duration.ofMinutes(1);
    private static final long MAX_REMEMBERED = 10_000;

    private final Duration timeout;
    private final Function<String, List<InetAddress>> resolver;
    private final ThreadPoolExecutor lookups;
    private final Cache<String, CompletableFuture<List<InetAddress>>> remembered = Caffeine.newBuilder()
            .expireAfterWrite(REMEMBERED).maximumSize(MAX_REMEMBERED).build();

    /**
     * @param timeout how long a caller waits for a lookup
     * @param threads lookups at once; a few more wait in a small queue, and beyond that a name is not looked up
     */
    public BoundedResolver(Duration timeout, int threads) {
        this(timeout, threads, BoundedResolver::resolve);
    }

    BoundedResolver(Duration timeout, int threads, Function<String, List<InetAddress>> resolver) {
        this.timeout = timeout;
        this.resolver = resolver;
        this.lookups = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                runnable -> {
                    final Thread thread = new Thread(runnable, "eventline-link-resolver");
                    thread.setDaemon(true);
                    return thread;
                });
        lookups.allowCoreThreadTimeOut(true);
    }

    @Override
    public List<InetAddress> addresses(String host) {
        final CompletableFuture<List<InetAddress>> lookup;
        try {
            lookup = remembered.get(host, name -> CompletableFuture.supplyAsync(() -> resolver.apply(name), lookups));
        } catch (RejectedExecutionException e) {
            return List.of();
        }
        try {
            return lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException | SecurityException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
