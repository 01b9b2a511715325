package io.eventline.crawler;

/** Why a fetch gave no usable page; {@link #reason()} is the code counted in a crawl's "failed by reason". */
public enum FetchFailure {
    /** The URL could not be parsed or is not http(s). */
    INVALID_URL("invalid-url"),
    /** The host name has no address. */
    UNRESOLVED("unresolved"),
    /** The host resolves to an address the crawler must not reach. */
    BLOCKED_ADDRESS("blocked-address"),
    /** No connection: refused or unreachable. */
    REFUSED("refused"),
    /** No connection or no whole response within the timeouts. */
    TIMEOUT("timeout"),
    /** The connection broke or the response was not HTTP. */
    IO_ERROR("io-error"),
    /** A redirect led outside the crawl's scope. */
    OUT_OF_SCOPE_REDIRECT("out-of-scope-redirect"),
    /** A redirect had no usable {@code Location}. */
    BAD_REDIRECT("bad-redirect"),
    /** More redirects than allowed. */
    TOO_MANY_REDIRECTS("too-many-redirects"),
    /** A 2xx response whose media type is not fetched. */
    CONTENT_TYPE("content-type"),
    /** The body is longer than the cap; the result holds the first bytes, marked truncated. */
    TOO_LARGE("too-large");

    private final String reason;

    FetchFailure(String reason) {
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
