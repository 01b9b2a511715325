package io.eventline.crawler;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fetch worker does with one released request: fetches the page (or the host's robots.txt) with the
 * {@link PageFetcher}, reads it with the {@link PageParser}, publishes the page, sends its in-scope outlinks to
 * the frontier grouped by their own politeness keys, and reports to the released key's owner, with the page's
 * validators when it gave any. A request the owner gave validators for is conditional; a {@code 304} answer is
 * published from what was kept, marked not modified, and its kept outlinks go on as fresh ones. A redirect is not
 * followed here: an in-scope target goes to the frontier like a link, so every request to a key, a redirect's
 * too, waits for the key's delay. Thread-safe.
 */
public final class FetchWork {
    /** The report's reason for a page that redirected within scope: not a failure, and not a page. */
    public static final String REDIRECTED = "redirected";

    private final PageFetcher fetcher;
    private final PageParser parser;
    private final PolitenessKeys keys;
    private final CrawlOutput output;
    private final Clock clock;

    public FetchWork(PageFetcher fetcher, PageParser parser, PolitenessKeys keys, CrawlOutput output, Clock clock) {
        this.fetcher = fetcher;
        this.parser = parser;
        this.keys = keys;
        this.output = output;
        this.clock = clock;
    }

    public void run(FetchJob job) {
        if (job.robots()) {
            robots(job);
        } else {
            page(job);
        }
    }

    private void robots(FetchJob job) {
        final QueuedUrl entry = job.entry();
        final Instant started = clock.instant();
        final RobotsFile file = fetcher.fetchRobotsFile(origin(entry.getUrl()), job.config().getUserAgent());
        if (abandoned()) {
            return;
        }
        final RobotsFetched robots = RobotsFetched.newBuilder().setUrl(file.url()).setStatus(file.status())
                .setBody(file.body() == null ? null : ByteBuffer.wrap(file.body())).setFetchedAt(started).build();
        output.report(report(job, origin(entry.getUrl()) + "/robots.txt", file.status(), null, null, started)
                .setRobots(robots).build());
    }

    private void page(FetchJob job) {
        final QueuedUrl entry = job.entry();
        final CrawlConfig config = job.config();
        final Instant started = clock.instant();
        final List<String> redirectedTo = new ArrayList<>(1);
        final PageValidators previous = job.previous();
        final FetchRequest request = new FetchRequest(entry.getUrl(), url -> {
            if (CrawlScope.contains(config, url)) {
                redirectedTo.add(url);
            }
            return false;
        }, config.getUserAgent(), null, null);
        final FetchResult result = fetcher.fetch(previous == null ? request
                : request.conditional(previous.getEtag(), previous.getLastModified()));
        if (abandoned()) {
            return;
        }
        PageValidators kept = null;
        if (result.fetched()) {
            final ParsedPage parsed = parser.parse(result.body(), result.charset(), result.finalUrl());
            output.page(pageOf(entry, result).setContentType(result.contentType()).setTitle(parsed.title())
                    .setText(parsed.text()).setTextTruncated(parsed.textTruncated())
                    .setContentHash(parsed.contentHash()).setOutlinks(parsed.outlinks()).setNoindex(parsed.noindex())
                    .setEtag(result.etag()).setLastModified(result.lastModified()).setFetchedAt(started).build());
            if (entry.getDepth() < config.getMaxDepth()) {
                discovered(job, parsed.outlinks(), entry.getDepth() + 1);
            }
            kept = RefetchValidators.of(result, parsed, started);
        } else if (result.notModified() && previous != null) {
            notModified(job, result, previous, started);
        }
        final Long retryAfter = result.retryAfter() == null ? null : result.retryAfter().toMillis();
        if (!redirectedTo.isEmpty()) {
            discovered(job, redirectedTo, entry.getDepth());
            output.report(report(job, entry.getUrl(), result.status(), REDIRECTED, retryAfter, started).build());
            return;
        }
        output.report(report(job, entry.getUrl(), result.status(),
                result.failure() == null ? null : result.failure().reason(), retryAfter, started)
                .setValidators(kept).build());
    }

    /**
     * A page unchanged since the fetch its owner kept: published again from what was kept, without its text
     * (its readers had it then), and its kept outlinks go to the frontier as fresh ones would.
     */
    private void notModified(FetchJob job, FetchResult result, PageValidators previous, Instant started) {
        final QueuedUrl entry = job.entry();
        output.page(pageOf(entry, result).setContentType(previous.getContentType()).setTitle(previous.getTitle())
                .setText("").setContentHash(previous.getContentHash()).setOutlinks(previous.getOutlinks())
                .setNoindex(previous.getNoindex())
                .setEtag(result.etag() != null ? result.etag() : previous.getEtag())
                .setLastModified(result.lastModified() != null ? result.lastModified() : previous.getLastModified())
                .setNotModified(true).setFetchedAt(started).build());
        if (entry.getDepth() < job.config().getMaxDepth()) {
            discovered(job, previous.getOutlinks(), entry.getDepth() + 1);
        }
    }

    private static PageFetched.Builder pageOf(QueuedUrl entry, FetchResult result) {
        return PageFetched.newBuilder().setCrawlId(entry.getCrawlId()).setUrl(entry.getUrl())
                .setFinalUrl(result.finalUrl()).setHost(entry.getHost()).setDepth(entry.getDepth())
                .setStatus(result.status());
    }

    /**
     * Whether the job was interrupted because its frontier task closed: the key's new owner releases it again, so
     * nothing of it is sent.
     */
    private static boolean abandoned() {
        return Thread.currentThread().isInterrupted();
    }

    private void discovered(FetchJob job, List<String> urls, int depth) {
        final Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (String url : urls) {
            if (CrawlScope.contains(job.config(), url)) {
                byKey.computeIfAbsent(keys.of(CrawlScope.hostOf(url)), key -> new ArrayList<>()).add(url);
            }
        }
        final Instant now = clock.instant();
        byKey.forEach((key, batch) -> output.discovered(UrlsDiscovered.newBuilder()
                .setCrawlId(job.entry().getCrawlId()).setPolitenessKey(key).setDepth(depth).setUrls(batch)
                .setFoundOn(job.entry().getUrl()).setAt(now).build()));
    }

    private FetchReported.Builder report(FetchJob job, String url, int status, String failure, Long retryAfterMs,
                                         Instant started) {
        return FetchReported.newBuilder().setCrawlId(job.entry().getCrawlId()).setPolitenessKey(job.politenessKey())
                .setHost(job.entry().getHost()).setUrl(url).setStatus(status).setFailure(failure)
                .setRetryAfterMs(retryAfterMs).setStartedAt(started).setFinishedAt(clock.instant());
    }

    /** {@code scheme://host[:port]} of a normalised URL. */
    static String origin(String url) {
        final URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
