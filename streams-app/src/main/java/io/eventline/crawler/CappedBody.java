package io.eventline.crawler;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads a response body up to a cap and stops there, cancelling the rest, so a huge or endless body costs at most
 * the cap. A body that is not wanted is read and dropped up to the cap (so a short one leaves the connection
 * reusable) and kept as null.
 */
final class CappedBody implements HttpResponse.BodySubscriber<CappedBody.Body> {
    /** What was read: the bytes (null when not kept) and whether the body went on past the cap. */
    record Body(byte[] bytes, boolean truncated) {
    }

    private final long cap;
    private final boolean keep;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long read;

    CappedBody(long cap, boolean keep) {
        this.cap = cap;
        this.keep = keep;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            final int length = buffer.remaining();
            final int taken = (int) Math.min(length, cap - read);
            if (keep && taken > 0) {
                final byte[] bytes = new byte[taken];
                buffer.get(bytes);
                out.write(bytes, 0, taken);
            }
            read += taken;
            if (taken < length) {
                subscription.cancel();
                result.complete(new Body(keep ? out.toByteArray() : null, true));
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
        result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(keep ? out.toByteArray() : null, false));
    }
}
