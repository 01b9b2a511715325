package io.eventline.operations;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a report about a key, such as a user, from the request path at most once per interval on this instance,
 * without waiting for it. The keys sent lately are remembered in a bounded cache, so a repeat costs one lookup;
 * a report that is not stored is forgotten, so the next call sends it again.
 */
public final class OncePerInterval {
    private static final Logger LOG = LoggerFactory.getLogger(OncePerInterval.class);

    private final String what;
    private final Cache<String, Boolean> sent;

    /**
     * @param what       what a report says, for the log line of one that was not stored
     * @param maxKeys    keys remembered at most; one evicted earlier is reported again on its next call
     */
    public OncePerInterval(String what, Duration interval, long maxKeys) {
        this.what = what;
        this.sent = Caffeine.newBuilder().expireAfterWrite(interval).maximumSize(maxKeys).build();
    }

    /** True when a report about {@code key} went out within the interval. */
    public boolean sentLately(String key) {
        return sent.getIfPresent(key) != null;
    }

    /** Sends the report about {@code key} unless one went out within the interval. */
    public void send(String key, Supplier<CompletableFuture<?>> report) {
        if (sent.asMap().putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        try {
            report.get().whenComplete((stored, error) -> {
                if (error != null) {
                    notSent(key, error);
                }
            });
        } catch (RuntimeException e) {
            // the request goes on whether or not its report is stored
            notSent(key, e);
        }
    }

    private void notSent(String key, Throwable error) {
        sent.invalidate(key);
        LOG.warn("{} of {} was not recorded: {}", what, key, error.toString());
    }
}
