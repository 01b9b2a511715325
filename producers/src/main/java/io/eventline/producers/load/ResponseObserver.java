package io.eventline.producers.load;

import java.net.http.HttpResponse;
import java.util.List;

/**
 * Sees every request of a run as it ends, warm-up included, on the client's threads: for what a run keeps beside
 * its latencies (a per-second timeline, a record of acknowledged writes).
 */
interface ResponseObserver {
    /** Observes nothing. */
    ResponseObserver NONE = new ResponseObserver() {
        @Override
        public void answered(long index, HttpResponse<String> response, long nowNanos) {
        }

        @Override
        public void failed(long index, Throwable error, long nowNanos) {
        }
    };

    /** Request {@code index} was answered at {@code nowNanos}; the body is null unless the run reads bodies. */
    void answered(long index, HttpResponse<String> response, long nowNanos);

    /** Request {@code index} ended without an answer (refused, reset, timed out) at {@code nowNanos}. */
    void failed(long index, Throwable error, long nowNanos);

    /** Each of {@code observers} in turn. */
    static ResponseObserver all(List<ResponseObserver> observers) {
        final List<ResponseObserver> copy = List.copyOf(observers);
        return new ResponseObserver() {
            @Override
            public void answered(long index, HttpResponse<String> response, long nowNanos) {
                copy.forEach(o -> o.answered(index, response, nowNanos));
            }

            @Override
            public void failed(long index, Throwable error, long nowNanos) {
                copy.forEach(o -> o.failed(index, error, nowNanos));
            }
        };
    }
}
