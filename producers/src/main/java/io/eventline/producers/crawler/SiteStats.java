package io.eventline.producers.crawler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The site's counts, one {@link HostStats} a host, and the first and last request over all of them; reported as
 * a map (for JSON) and as text.
 */
public final class SiteStats {
    private static final double NANOS_PER_MS = 1_000_000.0;

    private final SiteLayout layout;
    private final long expectedGapNanos;
    private final HostStats[] hosts;
    private final AtomicLong firstMillis = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastMillis = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param expectedGapMs a politeness delay to count shorter gaps against, or 0 to count none
     */
    public SiteStats(SiteLayout layout, long expectedGapMs) {
        this.layout = layout;
        this.expectedGapNanos = expectedGapMs * 1_000_000L;
        this.hosts = new HostStats[layout.hosts()];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = new HostStats();
        }
    }

    /** Counts a request to host {@code host} (1-based); see {@link HostStats#record}. */
    public void record(int host, long arrivalNanos, long arrivalMillis, String path, int pageIndex) {
        hosts[host - 1].record(arrivalNanos, path, pageIndex);
        firstMillis.accumulateAndGet(arrivalMillis, Math::min);
        lastMillis.accumulateAndGet(arrivalMillis, Math::max);
    }

    public HostStats host(int host) {
        return hosts[host - 1];
    }

    /** Every figure of the report, in the order they are printed; per host under {@code perHost}. */
    public Map<String, Object> report() {
        final Map<String, Object> report = new LinkedHashMap<>();
        final List<Map<String, Object>> perHost = new ArrayList<>(hosts.length);
        final List<long[]> allGaps = new ArrayList<>(hosts.length);
        long requests = 0;
        long pages = 0;
        long duplicates = 0;
        long robots = 0;
        long notFound = 0;
        long below = 0;
        int gapCount = 0;
        for (int host = 1; host <= hosts.length; host++) {
            final HostStats.Snapshot s = hosts[host - 1].snapshot();
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("host", layout.hostName(host));
            row.put("address", layout.addressText(host));
            row.put("pagesOnHost", layout.pagesOn(host));
            row.put("requests", s.requests());
            row.put("pagesServed", s.pagesServed());
            row.put("duplicates", s.duplicates());
            row.put("robots", s.robots());
            row.put("notFound", s.notFound());
            row.put("gapMinMs", ms(s.gapAt(0)));
            row.put("gapP1Ms", ms(s.gapAt(0.01)));
            row.put("gapP50Ms", ms(s.gapAt(0.5)));
            if (expectedGapNanos > 0) {
                row.put("gapsBelowExpected", s.gapsBelow(expectedGapNanos));
                below += s.gapsBelow(expectedGapNanos);
            }
            perHost.add(row);
            requests += s.requests();
            pages += s.pagesServed();
            duplicates += s.duplicates();
            robots += s.robots();
            notFound += s.notFound();
            final long[] gaps = s.gapsNanos();
            allGaps.add(gaps);
            gapCount += gaps.length;
        }
        final long[] gaps = new long[gapCount];
        int at = 0;
        for (long[] hostGaps : allGaps) {
            System.arraycopy(hostGaps, 0, gaps, at, hostGaps.length);
            at += hostGaps.length;
        }
        Arrays.sort(gaps);
        final long first = firstMillis.get();
        final long last = lastMillis.get();
        final double seconds = requests == 0 ? 0 : (last - first) / 1_000.0;
        report.put("site", layout.toString());
        report.put("hosts", hosts.length);
        report.put("pagesOnSite", layout.pages());
        report.put("requests", requests);
        report.put("pagesServed", pages);
        report.put("duplicates", duplicates);
        report.put("robots", robots);
        report.put("notFound", notFound);
        report.put("firstRequest", requests == 0 ? null : Instant.ofEpochMilli(first).toString());
        report.put("lastRequest", requests == 0 ? null : Instant.ofEpochMilli(last).toString());
        report.put("seconds", seconds);
        report.put("pagesPerSecond", seconds > 0 ? round(pages / seconds) : 0.0);
        report.put("requestsPerSecond", seconds > 0 ? round(requests / seconds) : 0.0);
        report.put("gapMinMs", ms(HostStats.percentile(gaps, 0)));
        report.put("gapP1Ms", ms(HostStats.percentile(gaps, 0.01)));
        report.put("gapP50Ms", ms(HostStats.percentile(gaps, 0.5)));
        if (expectedGapNanos > 0) {
            report.put("expectedGapMs", expectedGapNanos / NANOS_PER_MS);
            report.put("gapsBelowExpected", below);
        }
        report.put("perHost", perHost);
        return report;
    }

    /** The report as text: the totals, then a line a host. */
    public static String text(Map<String, Object> report) {
        final StringBuilder text = new StringBuilder(4_096);
        text.append("site: ").append(report.get("site")).append('\n');
        text.append(String.format(Locale.ROOT, "requests %s, distinct pages %s of %s, duplicates %s, robots.txt %s, "
                        + "not found %s%n", report.get("requests"), report.get("pagesServed"),
                report.get("pagesOnSite"), report.get("duplicates"), report.get("robots"), report.get("notFound")));
        text.append(String.format(Locale.ROOT, "first request %s, last %s: %s s, %s pages/s, %s requests/s%n",
                report.get("firstRequest"), report.get("lastRequest"), report.get("seconds"),
                report.get("pagesPerSecond"), report.get("requestsPerSecond")));
        text.append(String.format(Locale.ROOT, "gap between consecutive requests to one host, over all hosts: "
                + "min %s ms, p1 %s ms, p50 %s ms", report.get("gapMinMs"), report.get("gapP1Ms"),
                report.get("gapP50Ms")));
        if (report.containsKey("gapsBelowExpected")) {
            text.append(String.format(Locale.ROOT, "; %s gaps below %s ms", report.get("gapsBelowExpected"),
                    report.get("expectedGapMs")));
        }
        text.append('\n').append(String.format(Locale.ROOT, "%-16s %-11s %8s %8s %6s %6s %10s %10s %10s%n", "host",
                "address", "requests", "pages", "dups", "robots", "gap min ms", "gap p1 ms", "gap p50 ms"));
        @SuppressWarnings("unchecked")
        final List<Map<String, Object>> perHost = (List<Map<String, Object>>) report.get("perHost");
        for (Map<String, Object> row : perHost) {
            text.append(String.format(Locale.ROOT, "%-16s %-11s %8s %8s %6s %6s %10s %10s %10s%n", row.get("host"),
                    row.get("address"), row.get("requests"), row.get("pagesServed"), row.get("duplicates"),
                    row.get("robots"), row.get("gapMinMs"), row.get("gapP1Ms"), row.get("gapP50Ms")));
        }
        return text.toString();
    }

    private static Double ms(long nanos) {
        return nanos < 0 ? null : Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
