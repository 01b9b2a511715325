package io.eventline.crawler;

import java.util.HashMap;
import java.util.Map;

/**
 * Refuses URLs that look like a crawler trap rather than a page: linked too deep, too long, with a path that
 * repeats a segment ({@code /a/b/a/b/a/}, the mark of relative links that keep growing a path, or of a calendar
 * that links forever), or with a query that carries too many parameters (faceted search multiplying itself).
 * Judges a URL as {@link UrlNormalizer} writes it. The pages-per-host budget is the frontier's, which counts them.
 */
public final class TrapGuard {
    public static final String TOO_DEEP = "too-deep";
    public static final String URL_TOO_LONG = "url-too-long";
    public static final String REPEATED_SEGMENT = "repeated-segment";
    public static final String TOO_MANY_QUERY_PARAMS = "too-many-query-params";

    private final int maxDepth;
    private final int maxUrlLength;
    private final int maxSegmentRepeats;
    private final int maxQueryParams;

    public TrapGuard(CrawlerSettings settings) {
        this.maxDepth = settings.maxDepth();
        this.maxUrlLength = settings.maxUrlLength();
        this.maxSegmentRepeats = settings.maxSegmentRepeats();
        this.maxQueryParams = settings.maxQueryParams();
    }

    /**
     * The URL, when it may be queued at {@code depth} links from a seed (a seed is depth 0), or the reason it is
     * refused.
     */
    public Checked<String> check(String normalizedUrl, int depth) {
        if (depth > maxDepth) {
            return Checked.refused(TOO_DEEP, "depth " + depth + " is beyond " + maxDepth);
        }
        if (normalizedUrl.length() > maxUrlLength) {
            return Checked.refused(URL_TOO_LONG, normalizedUrl.length() + " characters, more than " + maxUrlLength);
        }
        final int authorityEnd = normalizedUrl.indexOf('/', normalizedUrl.indexOf("//") + 2);
        final int queryStart = normalizedUrl.indexOf('?');
        final String path = authorityEnd < 0 ? "/" : normalizedUrl.substring(authorityEnd,
                queryStart < 0 ? normalizedUrl.length() : queryStart);
        final Map<String, Integer> seen = new HashMap<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && seen.merge(segment, 1, Integer::sum) >= maxSegmentRepeats) {
                return Checked.refused(REPEATED_SEGMENT, "segment '" + segment + "' appears " + maxSegmentRepeats
                        + " times in the path");
            }
        }
        if (queryStart >= 0) {
            final long parameters = normalizedUrl.substring(queryStart + 1).chars().filter(c -> c == '&').count() + 1;
            if (parameters > maxQueryParams) {
                return Checked.refused(TOO_MANY_QUERY_PARAMS, parameters + " query parameters, more than "
                        + maxQueryParams);
            }
        }
        return Checked.ok(normalizedUrl);
    }
}
