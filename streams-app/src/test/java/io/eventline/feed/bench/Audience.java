package io.eventline.feed.bench;

import io.eventline.bench.BenchBroker;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The followers of one author, made up as {@code reader-0000001} and on, and the few of them whose feeds tell
 * when a fan-out has reached every follower.
 *
 * <p>The feed fans a post out as one delivery per destination partition, listing that partition's followers in
 * the order of the followers store (user ID order), and writes a delivery's feeds in list order. So on each
 * partition the follower with the smallest ID is written first and the one with the largest ID last: polling
 * those two per partition gives when the first and the last follower can read the post without polling all of
 * them. The benchmarks then check every follower once, untimed, to confirm.
 */
final class Audience {
    private final int size;
    private final String[] firstOnPartition = new String[BenchBroker.PARTITIONS];
    private final String[] lastOnPartition = new String[BenchBroker.PARTITIONS];

    /** Followers {@code reader(1)} to {@code reader(size)}. */
    Audience(int size) {
        this.size = size;
        for (int i = 1; i <= size; i++) {
            final String follower = reader(i);
            final int p = FeedBench.partitionOf(follower);
            if (firstOnPartition[p] == null || follower.compareTo(firstOnPartition[p]) < 0) {
                firstOnPartition[p] = follower;
            }
            if (lastOnPartition[p] == null || follower.compareTo(lastOnPartition[p]) > 0) {
                lastOnPartition[p] = follower;
            }
        }
    }

    static String reader(int i) {
        return String.format(Locale.ROOT, "reader-%07d", i);
    }

    int size() {
        return size;
    }

    String follower(int i) {
        return reader(i + 1);
    }

    /** Per partition with followers: the one written first. */
    List<String> firsts() {
        return present(firstOnPartition);
    }

    /** Per partition with followers: the one written last. */
    List<String> lasts() {
        return present(lastOnPartition);
    }

    private static List<String> present(String[] byPartition) {
        return Arrays.stream(byPartition).filter(f -> f != null).toList();
    }

    /** How many followers fail {@code holds}; checks each of them once. */
    int missing(IntFunction<Boolean> holds) {
        int missing = 0;
        for (int i = 0; i < size; i++) {
            if (!holds.apply(i)) {
                missing++;
            }
        }
        return missing;
    }
}
