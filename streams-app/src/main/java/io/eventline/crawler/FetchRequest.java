package io.eventline.crawler;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * One page to fetch.
 *
 * @param url          the normalised absolute URL
 * @param inScope      which (normalised) URLs a redirect may lead to: the crawl's scope
 * @param userAgent    the crawl's own {@code User-Agent}, or null for the settings' one
 * @param etag         the {@code ETag} of the page's last fetch, sent as {@code If-None-Match}, or null
 * @param lastModified the {@code Last-Modified} of the page's last fetch, sent as {@code If-Modified-Since}, or
 *                     null
 */
public record FetchRequest(String url, Predicate<String> inScope, String userAgent, String etag,
                           String lastModified) {
    public FetchRequest {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(inScope, "inScope");
    }

    /** A first fetch of {@code url} within {@code inScope}, with the settings' user agent. */
    public static FetchRequest of(String url, Predicate<String> inScope) {
        return new FetchRequest(url, inScope, null, null, null);
    }

    /** This fetch made conditional on the validators of the page's last fetch. */
    public FetchRequest conditional(String previousEtag, String previousLastModified) {
        return new FetchRequest(url, inScope, userAgent, previousEtag, previousLastModified);
    }
}
