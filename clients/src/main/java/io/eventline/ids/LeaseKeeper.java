package io.eventline.ids;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an instance's worker lease for as long as the instance runs: takes it at start and, after a loss, tries
 * to take it again every {@code retry} until it holds it again. {@link #isHeld()} is what the instance's ID
 * generator and readiness follow, so no ID is issued and the instance is not ready while another may hold the pair.
 */
public final class LeaseKeeper implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final WorkerLease lease;
    private final Duration retry;
    private final ScheduledExecutorService retries;

    /** @param retry how long to wait between attempts to take a lost lease again */
    public LeaseKeeper(WorkerLease lease, Duration retry) {
        this.lease = Objects.requireNonNull(lease, "lease");
        this.retry = retry;
        this.retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
            final Thread thread = new Thread(runnable, "eventline-worker-lease-keeper");
            thread.setDaemon(true);
            return thread;
        });
        lease.onLost(this::retryLater);
    }

    /**
     * Takes the lease.
     *
     * @throws WorkerIdConflictException if another live instance holds it: this one must not start
     */
    public LeaseKeeper start() {
        lease.acquire();
        return this;
    }

    /** Whether the lease is held and not expired: while it is not, no ID may be issued. */
    public boolean isHeld() {
        return lease.isHeld();
    }

    @Override
    public void close() {
        retries.shutdownNow();
        lease.close();
    }

    private void retryLater() {
        try {
            retries.schedule(this::reacquire, retry.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // the instance is stopping: nothing to take back
        }
    }

    private void reacquire() {
        try {
            lease.acquire();
            log.info("Instance {} holds worker {} of datacenter {} again and issues IDs again", lease.instanceId(),
                    lease.workerId(), lease.datacenterId());
        } catch (WorkerIdConflictException | KafkaException e) {
            log.debug("Worker lease not taken back yet: {}", e.getMessage());
            retryLater();
        } catch (IllegalStateException closed) {
            // closed while this attempt was due
        }
    }
}
