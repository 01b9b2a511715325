package io.eventline.crawler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The validators of each page's last whole fetch, kept by the owner of the page's politeness key in
 * {@link CrawlerStores#VALIDATORS} (keyed by normalised URL, across crawls), so that any later crawl fetches the
 * page conditionally and a {@code 304} can still give its metadata and outlinks. Bounded twice: the store holds at
 * most {@link RefetchSettings#maxBytes()} a task (past it a new page is not kept), and an entry is used for
 * {@link RefetchSettings#maxAge()} after its fetch, then deleted by a sweep that runs on a wall-clock punctuation.
 * Each entry keeps at most {@link #MAX_OUTLINKS} outlinks and {@link #MAX_OUTLINK_BYTES} of them. One per stream
 * task; not thread-safe.
 */
final class RefetchValidators {
    /** Outlinks kept a page at most, in page order. */
    static final int MAX_OUTLINKS = 500;
    /** UTF-8 bytes of outlinks kept a page at most. */
    static final int MAX_OUTLINK_BYTES = 64 * 1024;
    static final int MAX_TITLE_CHARS = 1_024;
    /** What an entry costs beyond its strings: the record's other fields and the store's own overhead. */
    private static final int ENTRY_OVERHEAD = 64;

    private final RefetchSettings settings;
    private final KeyValueStore<String, PageValidators> store;
    private long bytes;
    /** Where the next sweep starts; null from the first key. */
    private String cursor;

    /** Opens the task's store and counts what it holds (expired entries too, until the sweep deletes them). */
    RefetchValidators(RefetchSettings settings, KeyValueStore<String, PageValidators> store) {
        this.settings = settings;
        this.store = store;
        try (KeyValueIterator<String, PageValidators> all = store.all()) {
            all.forEachRemaining(entry -> bytes += sizeOf(entry.key, entry.value));
        }
    }

    /**
     * What a worker keeps of a page fetched whole, for its owner: null when the response gave neither
     * {@code ETag} nor {@code Last-Modified}, since no later request could be made conditional.
     */
    static PageValidators of(FetchResult result, ParsedPage page, Instant fetchedAt) {
        if (result.etag() == null && result.lastModified() == null) {
            return null;
        }
        final List<String> outlinks = new ArrayList<>(Math.min(page.outlinks().size(), MAX_OUTLINKS));
        int linkBytes = 0;
        for (String link : page.outlinks()) {
            final int size = utf8(link);
            if (outlinks.size() == MAX_OUTLINKS || linkBytes + size > MAX_OUTLINK_BYTES) {
                break;
            }
            outlinks.add(link);
            linkBytes += size;
        }
        final String title = page.title().length() > MAX_TITLE_CHARS ? page.title().substring(0, MAX_TITLE_CHARS)
                : page.title();
        return PageValidators.newBuilder().setEtag(result.etag()).setLastModified(result.lastModified())
                .setStatus(result.status()).setContentType(result.contentType()).setTitle(title)
                .setContentHash(page.contentHash()).setNoindex(page.noindex()).setOutlinks(outlinks)
                .setOutlinksTruncated(outlinks.size() < page.outlinks().size()).setFetchedAt(fetchedAt).build();
    }

    /** The validators to send with {@code url}'s next request, or null when none are kept or they expired. */
    PageValidators forRequest(String url, long now) {
        final PageValidators kept = store.get(url);
        return kept == null || expired(kept, now) ? null : kept;
    }

    /**
     * What a page's report changes: validators it brings replace the page's (or, past the cap, the page is
     * forgotten); a page fetched whole without validators, or gone (404, 410), is forgotten. A 304 and any other
     * answer leave the entry as it is.
     */
    void reported(FetchReported report) {
        if (report.getRobots() != null) {
            return;
        }
        final PageValidators fresh = report.getValidators();
        final int status = report.getStatus();
        if (fresh == null && !(status >= 200 && status < 300 || status == 404 || status == 410)) {
            return;
        }
        final String url = report.getUrl();
        final PageValidators old = store.get(url);
        final long without = bytes - (old == null ? 0 : sizeOf(url, old));
        if (fresh != null && without + sizeOf(url, fresh) <= settings.maxBytes()) {
            store.put(url, fresh);
            bytes = without + sizeOf(url, fresh);
        } else if (old != null) {
            store.delete(url);
            bytes = without;
        }
    }

    /** Deletes the expired entries among the next batch, going on where the last sweep stopped. */
    void sweep(long now) {
        final List<KeyValue<String, PageValidators>> expired = new ArrayList<>();
        try (KeyValueIterator<String, PageValidators> entries = cursor == null ? store.all()
                : store.range(cursor, null)) {
            int looked = 0;
            while (entries.hasNext() && looked++ < settings.sweepBatch()) {
                final KeyValue<String, PageValidators> entry = entries.next();
                if (expired(entry.value, now)) {
                    expired.add(entry);
                }
            }
            cursor = entries.hasNext() ? entries.peekNextKey() : null;
        }
        for (KeyValue<String, PageValidators> entry : expired) {
            store.delete(entry.key);
            bytes -= sizeOf(entry.key, entry.value);
        }
    }

    /** What the store holds now, as counted against {@link RefetchSettings#maxBytes()}. */
    long bytes() {
        return bytes;
    }

    private boolean expired(PageValidators kept, long now) {
        return now - kept.getFetchedAt().toEpochMilli() >= settings.maxAge().toMillis();
    }

    static long sizeOf(String url, PageValidators kept) {
        long size = ENTRY_OVERHEAD + utf8(url) + utf8(kept.getEtag()) + utf8(kept.getLastModified())
                + utf8(kept.getContentType()) + utf8(kept.getTitle()) + utf8(kept.getContentHash());
        for (String link : kept.getOutlinks()) {
            size += utf8(link) + 2;
        }
        return size;
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
