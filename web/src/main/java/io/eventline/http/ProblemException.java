package io.eventline.http;

import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem to answer with. Thrown anywhere in a handler; mapped once to
 * {@code application/problem+json}.
 */
public class ProblemException extends RuntimeException {
    public static final String TYPE_BASE = "https://eventline.dev/problems/";

    private final int status;
    private final String type;
    private final String title;
    private final List<FieldError> errors;
    private final Map<String, String> headers;

    public ProblemException(int status, String slug, String title, String detail) {
        this(status, slug, title, detail, List.of(), Map.of());
    }

    public ProblemException(int status, String slug, String title, String detail, List<FieldError> errors,
                            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.type = slug.startsWith("http") ? slug : TYPE_BASE + slug;
        this.title = title;
        this.errors = List.copyOf(errors);
        this.headers = Map.copyOf(headers);
    }

    public static ProblemException badRequest(String detail, List<FieldError> errors) {
        return new ProblemException(400, "invalid-request", "Invalid request", detail, errors, Map.of());
    }

    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "not-found", "Not found", detail);
    }

    public static ProblemException forbidden(String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail);
    }

    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "unavailable", "Service unavailable", detail, List.of(),
                Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** One field's error: a JSON pointer into the request body and what is wrong there. */
    public record FieldError(String pointer, String detail) {
    }
}
