package io.eventline.kv;

import java.time.Duration;
import java.util.Optional;

/**
 * A kv request that did not succeed: the server's {@code application/problem+json} answer, or no answer at all
 * ({@link #status()} 0, the cause says why). Subclasses name the outcomes a caller is expected to handle.
 */
public class KvException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String type;
    private final String title;
    private final String detail;
    private final Duration retryAfter;

    public KvException(int status, String type, String title, String detail, Optional<Duration> retryAfter) {
        this(status, type, title, detail, retryAfter, null);
    }

    KvException(int status, String type, String title, String detail, Optional<Duration> retryAfter,
                Throwable cause) {
        super(message(status, title, detail), cause);
        this.status = status;
        this.type = type == null ? "" : type;
        this.title = title == null ? "" : title;
        this.detail = detail == null ? "" : detail;
        this.retryAfter = retryAfter.orElse(null);
    }

    /** A request that got no answer: the connection failed, timed out, or the thread was interrupted. */
    static KvException noAnswer(String request, Throwable cause) {
        return new KvException(0, "", "No answer", request + ": " + cause, Optional.empty(), cause);
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The problem's type URI, e.g. {@code https://eventline.dev/problems/quota-exceeded}; empty if none. */
    public String type() {
        return type;
    }

    /** The last segment of the type URI, e.g. {@code quota-exceeded} or {@code namespace-taken}. */
    public String slug() {
        return type.substring(type.lastIndexOf('/') + 1);
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }

    /** How long the server asked to wait before trying again ({@code Retry-After}), on a 429 or 503. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    private static String message(int status, String title, String detail) {
        final String head = status == 0 ? "no answer" : status + " " + (title == null ? "" : title).trim();
        return detail == null || detail.isEmpty() ? head : head + ": " + detail;
    }
}
