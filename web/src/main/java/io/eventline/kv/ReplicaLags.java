package io.eventline.kv;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far behind this instance's copies of the key-value store are, for {@code Eventline-Replica-Lag-Ms}. The
 * offset lags of the applied-offsets changelog (one record per write) come from the brokers, at most every
 * {@code refresh} and off the request thread, so a read never waits for them.
 */
final class ReplicaLags {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaLags.class);

    private final KafkaStreams streams;
    private final Clock clock;
    private final Duration refresh;
    private final Executor refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Map<Integer, LagInfo> lags = Map.of();
    private volatile long refreshedAt = Long.MIN_VALUE;

    ReplicaLags(KafkaStreams streams, Clock clock, Duration refresh, Executor refresher) {
        this.streams = streams;
        this.clock = clock;
        this.refresh = refresh;
        this.refresher = refresher;
    }

    /**
     * The replica lag of a copy of {@code partition} whose newest applied write was made at {@code newestWriteMs}:
     * 0 when it lacked no write at the last look, else how old its newest write is — a bound on how stale it can
     * be, since every write it lacks came later.
     */
    long lagMs(int partition, boolean active, long newestWriteMs) {
        final long now = clock.millis();
        if (now - refreshedAt > refresh.toMillis() && refreshing.compareAndSet(false, true)) {
            refresher.execute(this::refresh);
        }
        final LagInfo lag = lags.get(partition);
        if (lag == null ? active : lag.offsetLag() == 0) {
            return 0;
        }
        return Math.max(0, now - newestWriteMs);
    }

    private void refresh() {
        try {
            lags = Map.copyOf(streams.allLocalStorePartitionLags().getOrDefault(KvStores.APPLIED, Map.of()));
            refreshedAt = clock.millis();
        } catch (RuntimeException e) {
            LOG.debug("Lags of the key-value store's copies are unknown for now: {}", e.toString());
        } finally {
            refreshing.set(false);
        }
    }
}
