package io.eventline.producers.crawler;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * What one host of the site saw: requests, the distinct pages it served, requests for a path it had already
 * answered, and when each request arrived. Thread-safe; a host's requests come from its own listener.
 */
public final class HostStats {
    /** Paths other than pages (robots.txt, unknown ones) remembered for the duplicate count; more are not. */
    private static final int MAX_OTHER_PATHS = 10_000;

    private final BitSet pagesServed = new BitSet();
    private final Set<String> otherPaths = new HashSet<>();
    private long[] arrivals = new long[1_024];
    private int requests;
    private int distinctPages;
    private int duplicates;
    private int robots;
    private int notFound;

    /**
     * Counts a request that arrived at {@code arrivalNanos} (a {@link System#nanoTime()} reading) for
     * {@code path}, which is page {@code pageIndex} of the host, or no page (-1).
     */
    public synchronized void record(long arrivalNanos, String path, int pageIndex) {
        if (requests == arrivals.length) {
            arrivals = Arrays.copyOf(arrivals, requests * 2);
        }
        arrivals[requests++] = arrivalNanos;
        if (pageIndex >= 0) {
            if (pagesServed.get(pageIndex)) {
                duplicates++;
            } else {
                pagesServed.set(pageIndex);
                distinctPages++;
            }
            return;
        }
        if ("/robots.txt".equals(path)) {
            robots++;
        } else {
            notFound++;
        }
        if (otherPaths.contains(path)) {
            duplicates++;
        } else if (otherPaths.size() < MAX_OTHER_PATHS) {
            otherPaths.add(path);
        }
    }

    /** The counts so far, with the gaps between consecutive arrivals in nanoseconds, smallest first. */
    public synchronized Snapshot snapshot() {
        final long[] times = Arrays.copyOf(arrivals, requests);
        // a request is recorded when its handler starts, which on a busy machine may not be in arrival order
        Arrays.sort(times);
        final long[] gaps = new long[Math.max(0, times.length - 1)];
        for (int i = 1; i < times.length; i++) {
            gaps[i - 1] = times[i] - times[i - 1];
        }
        Arrays.sort(gaps);
        return new Snapshot(requests, distinctPages, duplicates, robots, notFound, gaps);
    }

    /**
     * One host's counts.
     *
     * @param requests      every request but {@code /_stats}
     * @param pagesServed   distinct pages answered
     * @param duplicates    requests for a path answered before
     * @param robots        requests for {@code /robots.txt}
     * @param notFound      requests for a path that is no page and not robots.txt
     * @param gapsNanos     the gaps between consecutive arrivals, ascending
     */
    public record Snapshot(int requests, int pagesServed, int duplicates, int robots, int notFound,
                           long[] gapsNanos) {
        public Snapshot {
            gapsNanos = gapsNanos.clone();
        }

        @Override
        public long[] gapsNanos() {
            return gapsNanos.clone();
        }

        /** The gap at fraction {@code q} (0..1) of the sorted gaps, by nearest rank; -1 with no gap. */
        public long gapAt(double q) {
            return percentile(gapsNanos, q);
        }

        /** Gaps shorter than {@code floorNanos}. */
        public int gapsBelow(long floorNanos) {
            return countBelow(gapsNanos, floorNanos);
        }
    }

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        final int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    static int countBelow(long[] sorted, long floor) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            final int mid = (low + high) >>> 1;
            if (sorted[mid] < floor) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
