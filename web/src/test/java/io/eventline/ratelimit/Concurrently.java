package io.eventline.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs calls at the same time, one thread each, and returns their results in order. */
final class Concurrently {
    private Concurrently() {
    }

    static <T> List<T> run(List<Callable<T>> calls) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            final List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(calls)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
