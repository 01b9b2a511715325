package io.eventline.testing;

import java.time.Duration;

/**
 * Waits for something a test cannot be told about: asks again every {@code interval} until the answer is the one
 * awaited or {@code timeout} passed, and gives back the last answer for the test to assert on. It asserts nothing
 * itself, so a test's assertion, and its message, stay where the reader expects them.
 */
public final class Eventually {
    private Eventually() {
    }

    /** Asks for an answer; may throw what the asking throws (an HTTP call's {@code IOException}, say). */
    @FunctionalInterface
    public interface Probe<T, E extends Exception> {
        T call() throws E;
    }

    /** Whether an answer is the one awaited. */
    @FunctionalInterface
    public interface Done<T, E extends Exception> {
        boolean test(T answer) throws E;
    }

    /** The first answer of {@code probe} that {@code done} accepts, or its last one once {@code timeout} passed. */
    public static <T, E extends Exception> T eventually(Duration timeout, Duration interval, Probe<T, E> probe,
                                                        Done<? super T, E> done) throws E, InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        T answer = probe.call();
        while (!done.test(answer) && System.nanoTime() < deadline) {
            Thread.sleep(interval.toMillis());
            answer = probe.call();
        }
        return answer;
    }

    /** Whether {@code condition} held within {@code timeout}, asked every {@code interval}. */
    public static <E extends Exception> boolean eventually(Duration timeout, Duration interval,
                                                           Probe<Boolean, E> condition) throws E, InterruptedException {
        return eventually(timeout, interval, condition, Boolean.TRUE::equals);
    }
}
