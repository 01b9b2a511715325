package io.eventline.ratelimit;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The answer to a check of one or more descriptors: over the limit if any descriptor is. */
public record CheckResult(List<DescriptorStatus> statuses) {

    public boolean limited() {
        return statuses.stream().anyMatch(DescriptorStatus::limited);
    }

    /** The status that speaks for the whole request: a refusing one with the longest wait, else the tightest. */
    public Optional<DescriptorStatus> binding() {
        final Optional<DescriptorStatus> refusing = statuses.stream().filter(DescriptorStatus::limited)
                .max(Comparator.comparingLong(DescriptorStatus::retryAfterMillis));
        if (refusing.isPresent()) {
            return refusing;
        }
        return statuses.stream().filter(status -> status.rule() != null)
                .min(Comparator.comparingLong(status -> status.remaining() < 0 ? Long.MAX_VALUE : status.remaining()));
    }

    /** The longest time any admitted descriptor asks the request to wait (leaking bucket). */
    public long delayMillis() {
        return statuses.stream().mapToLong(DescriptorStatus::delayMillis).max().orElse(0);
    }

    /** Completes when an admitted request's turn comes: at once, or after a leaking bucket's delay. */
    public CompletableFuture<Void> turn() {
        final long delay = delayMillis();
        return delay == 0 ? CompletableFuture.completedFuture(null)
                : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS));
    }

    /** True when some rule could not decide in time and its failure mode answered. */
    public boolean undecided() {
        return statuses.stream().anyMatch(status -> !status.decided());
    }
}
