package io.eventline.ratelimit;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * The partitions of the limiter's counters whose stream tasks run in this process, shared between those tasks and
 * the decider that answers checks in memory ({@link CounterOwner}). A task announces its partition once its store
 * is restored and it starts processing, says how far it has processed the partition's checks, and withdraws the
 * partition when it is closed (revoked, migrated, shut down).
 */
public final class CounterPartitions {
    private final Map<Integer, Owned> owned = new ConcurrentHashMap<>();
    private final List<IntConsumer> withdrawals = new CopyOnWriteArrayList<>();

    /**
     * One partition as its task holds it; a new object each time the partition is taken, so a decider can tell a
     * partition it lost and took again from one it kept.
     */
    public static final class Owned {
        private final int partition;
        private final Function<String, byte[]> store;
        private volatile long processed = -1;

        Owned(int partition, Function<String, byte[]> store) {
            this.partition = partition;
            this.store = store;
        }

        public int partition() {
            return partition;
        }

        /** The value stored under {@code entry} in the partition's {@link RateLimitStores#STATE}, or null. */
        public byte[] read(String entry) {
            return store.apply(entry);
        }

        /** The offset on {@code ratelimit.checks.v1} of the last check the task applied to its store; -1 if none. */
        public long processed() {
            return processed;
        }
    }

    /** A task took {@code partition} and reads its counters with {@code store}. */
    Owned take(int partition, Function<String, byte[]> store) {
        final Owned taken = new Owned(partition, store);
        owned.put(partition, taken);
        return taken;
    }

    /** The task of {@code taken} applied the check at {@code offset} to its store. */
    void processed(Owned taken, long offset) {
        taken.processed = Math.max(taken.processed, offset);
    }

    /** The task of {@code taken} is closed: the partition is no longer decided here. */
    void withdraw(Owned taken) {
        if (owned.remove(taken.partition, taken)) {
            withdrawals.forEach(listener -> listener.accept(taken.partition));
        }
    }

    /** The partition as this process holds it now, or null when another instance does (or nobody yet). */
    public Owned get(int partition) {
        return owned.get(partition);
    }

    /** Calls {@code listener} with each partition this process stops holding. */
    public void onWithdraw(IntConsumer listener) {
        withdrawals.add(listener);
    }
}
