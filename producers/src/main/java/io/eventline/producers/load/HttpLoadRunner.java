package io.eventline.producers.load;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Drives HTTP/1.1 requests with the JDK client, either open loop (a {@link FixedRateSchedule}, latency from each
 * request's intended send time) or closed loop (a fixed number of requests in flight, each sent as soon as the
 * previous one on its lane ended, latency from the actual send). Every run ends by itself: the schedule or the
 * duration is finite and every request carries a timeout. Redirects are never followed.
 */
public final class HttpLoadRunner implements AutoCloseable {
    /** How long past the last request's timeout a run waits before it reports the rest as unfinished. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private final Duration requestTimeout;
    private final ExecutorService executor;
    private final HttpClient client;
    private final ResponseObserver observer;
    private final HttpResponse.BodyHandler<String> bodies;

    /** @param requestTimeout the timeout each request built for this runner must carry, also used to connect */
    public HttpLoadRunner(Duration requestTimeout) {
        this(requestTimeout, ResponseObserver.NONE, false);
    }

    /**
     * @param observer   sees every request as it ends
     * @param readBodies whether answers' bodies are read (as text) for the observer, rather than discarded
     */
    HttpLoadRunner(Duration requestTimeout, ResponseObserver observer, boolean readBodies) {
        this.requestTimeout = requestTimeout;
        this.observer = observer;
        this.bodies = readBodies ? HttpResponse.BodyHandlers.ofString()
                : HttpResponse.BodyHandlers.replacing(null);
        final AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            final Thread thread = new Thread(r, "load-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(requestTimeout)
                .executor(executor)
                .build();
    }

    /**
     * Sends {@code requests.apply(i)} at each time of {@code schedule}, with at most {@code connections} in flight.
     * When all are taken the sender waits, and the wait counts in the latency of every request it delays.
     */
    public LoadResult openLoop(FixedRateSchedule schedule, int connections, LongFunction<HttpRequest> requests)
            throws InterruptedException {
        return openLoop(schedule, connections, requests, recorder -> { });
    }

    /** As {@link #openLoop(FixedRateSchedule, int, LongFunction)}, handing the recorder to {@code started} first. */
    public LoadResult openLoop(FixedRateSchedule schedule, int connections, LongFunction<HttpRequest> requests,
                               Consumer<LatencyRecorder> started) throws InterruptedException {
        final Semaphore inFlight = new Semaphore(connections);
        final long start = System.nanoTime();
        final LatencyRecorder recorder = new LatencyRecorder(start + schedule.warmupNanos());
        started.accept(recorder);
        for (long i = 0; i < schedule.total(); i++) {
            final long intended = start + schedule.offsetNanos(i);
            final boolean measured = schedule.isMeasured(i);
            final long index = i;
            parkUntil(intended);
            inFlight.acquire();
            recorder.sent(System.nanoTime() - intended);
            client.sendAsync(requests.apply(i), bodies)
                    .whenComplete((response, error) -> {
                        final long now = System.nanoTime();
                        record(recorder, measured, index, response, error, now - intended, now);
                        // only after recording, so the drain below sees every result
                        inFlight.release();
                    });
        }
        inFlight.tryAcquire(connections, drainNanos(), TimeUnit.NANOSECONDS);
        return recorder.result();
    }

    /**
     * Keeps {@code concurrency} requests in flight for {@code warmup} plus {@code duration}; a lane sends nothing
     * new once that time is up.
     */
    public LoadResult closedLoop(int concurrency, Duration warmup, Duration duration,
                                 LongFunction<HttpRequest> requests) throws InterruptedException {
        return closedLoop(concurrency, warmup, duration, requests, recorder -> { });
    }

    /** As {@link #closedLoop(int, Duration, Duration, LongFunction)}, handing the recorder to {@code started} first. */
    public LoadResult closedLoop(int concurrency, Duration warmup, Duration duration,
                                 LongFunction<HttpRequest> requests, Consumer<LatencyRecorder> started)
            throws InterruptedException {
        final long start = System.nanoTime();
        final long measureStart = start + warmup.toNanos();
        final long end = measureStart + duration.toNanos();
        final LatencyRecorder recorder = new LatencyRecorder(measureStart);
        started.accept(recorder);
        final CountDownLatch lanesDone = new CountDownLatch(concurrency);
        final AtomicLong next = new AtomicLong();
        final Lane lane = new Lane(recorder, requests, next, measureStart, end, lanesDone);
        for (int i = 0; i < concurrency; i++) {
            lane.sendNext();
        }
        lanesDone.await(end - start + drainNanos(), TimeUnit.NANOSECONDS);
        return recorder.result();
    }

    private final class Lane {
        private final LatencyRecorder recorder;
        private final LongFunction<HttpRequest> requests;
        private final AtomicLong next;
        private final long measureStart;
        private final long end;
        private final CountDownLatch lanesDone;

        Lane(LatencyRecorder recorder, LongFunction<HttpRequest> requests, AtomicLong next, long measureStart,
             long end, CountDownLatch lanesDone) {
            this.recorder = recorder;
            this.requests = requests;
            this.next = next;
            this.measureStart = measureStart;
            this.end = end;
            this.lanesDone = lanesDone;
        }

        void sendNext() {
            final long sentAt = System.nanoTime();
            if (sentAt - end >= 0) {
                lanesDone.countDown();
                return;
            }
            final boolean measured = sentAt - measureStart >= 0;
            recorder.sent(0);
            final long index = next.getAndIncrement();
            // completions hop to the executor so a lane whose requests fail at once cannot grow the stack
            client.sendAsync(requests.apply(index), bodies)
                    .whenCompleteAsync((response, error) -> {
                        final long now = System.nanoTime();
                        record(recorder, measured, index, response, error, now - sentAt, now);
                        sendNext();
                    }, executor);
        }
    }

    private void record(LatencyRecorder recorder, boolean measured, long index, HttpResponse<String> response,
                        Throwable error, long latencyNanos, long now) {
        if (error != null) {
            recorder.failed(measured, error, now);
            observer.failed(index, error, now);
        } else {
            recorder.completed(measured, Integer.toString(response.statusCode()), latencyNanos, now);
            observer.answered(index, response, now);
        }
    }

    private long drainNanos() {
        return requestTimeout.plus(DRAIN_GRACE).toNanos();
    }

    private static void parkUntil(long deadlineNanos) {
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(remaining);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
