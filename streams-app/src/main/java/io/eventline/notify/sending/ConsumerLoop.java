package io.eventline.notify.sending;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop of a consumer that writes what it reads through {@link TransactionalBatches}: it runs on the
 * thread that calls {@link #run()}, which alone touches the consumer, and {@link #close()} stops it from any
 * thread after the batch in flight.
 */
abstract class ConsumerLoop implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final long FAILURE_BACKOFF_MILLIS = 1_000;

    final Consumer<String, byte[]> consumer;
    final TransactionalBatches output;
    private final String name;
    private final Duration pollTimeout;
    private final Duration closeTimeout;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    ConsumerLoop(String name, Consumer<String, byte[]> consumer, TransactionalBatches output, Duration pollTimeout,
                 Duration closeTimeout) {
        this.name = name;
        this.consumer = consumer;
        this.output = output;
        this.pollTimeout = pollTimeout;
        this.closeTimeout = closeTimeout;
    }

    /** Subscribes the consumer. */
    abstract void subscribe();

    /** Handles a non-empty batch; false if its transaction failed and the consumer was rewound. */
    abstract boolean handle(ConsumerRecords<String, byte[]> records);

    /** Runs after every poll, on the loop's thread. */
    void afterPoll() {
    }

    /** Runs when {@link #close()} has waited its timeout for the batch in flight. */
    void onSlowClose() {
    }

    /** Releases what the subclass holds beside the consumer and producer; runs once, last. */
    void release() {
    }

    /** Whether the loop is running: false before {@link #run()}, after {@link #close()} or a fatal error. */
    public boolean isRunning() {
        return started.get() && running.get() && stopped.getCount() > 0;
    }

    @Override
    public final void run() {
        if (!started.compareAndSet(false, true)) {
            if (!running.get()) {
                return;
            }
            throw new IllegalStateException(name + " runs already");
        }
        try {
            subscribe();
            while (running.get()) {
                final ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (!records.isEmpty() && !handle(records)) {
                    backOff();
                }
                afterPoll();
            }
        } catch (WakeupException e) {
            if (running.get()) {
                log.error("{} was woken up unexpectedly and stops", name, e);
            }
        } catch (RuntimeException e) {
            log.error("{} stops", name, e);
        } finally {
            running.set(false);
            shutDown();
            stopped.countDown();
        }
    }

    /** Stops the loop, letting the batch in flight finish for up to the close timeout. */
    @Override
    public void close() {
        running.set(false);
        if (started.compareAndSet(false, true)) {
            // never ran: no other thread uses the clients
            shutDown();
            stopped.countDown();
            return;
        }
        consumer.wakeup();
        try {
            if (!stopped.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("{} did not finish its batch within {}", name, closeTimeout);
                onSlowClose();
                stopped.await(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void backOff() {
        try {
            Thread.sleep(FAILURE_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    private void shutDown() {
        try {
            output.close();
        } catch (RuntimeException e) {
            log.warn("Closing the producer of {} failed", name, e);
        }
        try {
            consumer.close();
        } catch (RuntimeException e) {
            log.warn("Closing the consumer of {} failed", name, e);
        }
        release();
    }
}
