package io.eventline.crawler;

import java.time.Duration;
import java.util.List;

/**
 * What fetching one URL gave.
 *
 * @param url          the URL asked for
 * @param finalUrl     the last URL requested, after the redirects followed
 * @param redirects    the URLs redirected to, in order (empty when none)
 * @param status       the last response's status, or 0 when no response came
 * @param contentType  the last response's media type, lower-cased without parameters, or null
 * @param charset      the {@code charset} parameter of its {@code Content-Type}, or null
 * @param etag         its {@code ETag}, or null
 * @param lastModified its {@code Last-Modified}, or null
 * @param retryAfter   its {@code Retry-After} (seconds or an HTTP date, as a wait from now), or null
 * @param body         the body of a 2xx response of an accepted type (at most the cap), else null
 * @param truncated    true when the body was cut at the cap
 * @param failure      why there is no usable page, or null: a response with any status came and, for a 2xx, its
 *                     body was read; the caller judges the status (304, 429, 5xx)
 * @param detail       what exactly failed, or null
 */
public record FetchResult(String url, String finalUrl, List<String> redirects, int status, String contentType,
                          String charset, String etag, String lastModified, Duration retryAfter, byte[] body,
                          boolean truncated, FetchFailure failure, String detail) {
    public FetchResult {
        redirects = List.copyOf(redirects);
    }

    /** A fetch that ended before any response, at {@code finalUrl}. */
    static FetchResult failed(String url, String finalUrl, List<String> redirects, FetchFailure failure,
                              String detail) {
        return new FetchResult(url, finalUrl, redirects, 0, null, null, null, null, null, null, false, failure,
                detail);
    }

    /** True when a 2xx response's body was read whole. */
    public boolean fetched() {
        return failure == null && status >= 200 && status < 300;
    }

    /** True for a {@code 304 Not Modified} answer to a conditional fetch. */
    public boolean notModified() {
        return failure == null && status == 304;
    }
}
