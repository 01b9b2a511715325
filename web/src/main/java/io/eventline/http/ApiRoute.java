package io.eventline.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One HTTP route, declared once: the web app registers its handler and the OpenAPI document describes it
 * from the same declaration, so the two cannot drift apart.
 *
 * @param authenticated whether the route needs a bearer token
 * @param tag           the OpenAPI tag, normally the domain
 * @param limitedBy     whose requests the rate limiter counts on this route
 * @param maxBodyBytes  request bodies larger than this are refused with 413
 * @param contract      the bodies and parameters it takes and gives, for its OpenAPI entry
 */
public record ApiRoute(HandlerType method, String path, String tag, String summary, boolean authenticated,
                       Handler handler, LimitedBy limitedBy, long maxBodyBytes, ApiContract contract) {
    /** The body limit of every route that does not declare another. */
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /** Whose requests a route's rate limit counts; the rules say how many are allowed. */
    public enum LimitedBy {
        /** Not limited. */
        NONE,
        /** The caller's user ID (authenticated routes). */
        USER,
        /** The client's address (open routes that must withstand floods). */
        IP
    }

    /** A route that needs a bearer token; a write (POST, PUT, PATCH, DELETE) is rate-limited per user. */
    public static ApiRoute api(HandlerType method, String path, String tag, String summary, Handler handler) {
        return new ApiRoute(method, path, tag, summary, true, handler,
                isWrite(method) ? LimitedBy.USER : LimitedBy.NONE, DEFAULT_MAX_BODY_BYTES, ApiContract.none());
    }

    /** A route anyone may call. */
    public static ApiRoute open(HandlerType method, String path, String tag, String summary, Handler handler) {
        return new ApiRoute(method, path, tag, summary, false, handler, LimitedBy.NONE, DEFAULT_MAX_BODY_BYTES,
                ApiContract.none());
    }

    /** This route, rate-limited per client address. */
    public ApiRoute limitedPerIp() {
        return new ApiRoute(method, path, tag, summary, authenticated, handler, LimitedBy.IP, maxBodyBytes, contract);
    }

    /** This route, never rate-limited (e.g. the limiter's own check API). */
    public ApiRoute unlimited() {
        return new ApiRoute(method, path, tag, summary, authenticated, handler, LimitedBy.NONE, maxBodyBytes, contract);
    }

    /** This route with another handler, e.g. one wrapped by a guard. */
    public ApiRoute withHandler(Handler replacement) {
        return new ApiRoute(method, path, tag, summary, authenticated, replacement, limitedBy, maxBodyBytes, contract);
    }

    /** This route, accepting bodies of up to {@code bytes} (at most {@link EventlineWeb#MAX_BODY_BYTES}). */
    public ApiRoute withMaxBodyBytes(long bytes) {
        if (bytes <= 0 || bytes > EventlineWeb.MAX_BODY_BYTES) {
            throw new IllegalArgumentException("a route's body limit must be 1-" + EventlineWeb.MAX_BODY_BYTES);
        }
        return new ApiRoute(method, path, tag, summary, authenticated, handler, limitedBy, bytes, contract);
    }

    /** This route, taking a JSON body that follows {@code schema}. */
    public ApiRoute body(JsonSchema schema) {
        return with(contract.withBody(schema));
    }

    /** This route, reading the query parameter {@code name}. */
    public ApiRoute query(String name, String description, JsonSchema schema) {
        return with(contract.withQuery(name, description, schema));
    }

    /** This route, reading the paging parameters {@code limit} and {@code cursor}. */
    public ApiRoute paged() {
        return query("limit", "How many items a page holds, 1-100 (20)", JsonSchema.integer(1, 100))
                .query("cursor", "The nextCursor of the previous page", JsonSchema.string(512));
    }

    /** This route, answering {@code status} with a JSON body that follows {@code schema}. */
    public ApiRoute answers(int status, String description, JsonSchema schema) {
        return with(contract.withResponse(status, new ApiContract.Response(description, ApiContract.JSON, schema)));
    }

    /** This write, answering {@code 202} when its outcome is not known within the wait. */
    public ApiRoute mayPend() {
        return answers(202, "Accepted, still pending: Location names the operation", ApiContract.PENDING);
    }

    /** This route, answering {@code status} with no body. */
    public ApiRoute answersEmpty(int status, String description) {
        return with(contract.withResponse(status, new ApiContract.Response(description, null, null)));
    }

    /** This route, answering {@code status} with a body of {@code mediaType} other than JSON. */
    public ApiRoute answersMedia(int status, String description, String mediaType) {
        return with(contract.withResponse(status, new ApiContract.Response(description, mediaType, null)));
    }

    /** How the limiter names this route in descriptors: {@code "POST /api/v1/posts"}. */
    public String endpoint() {
        return method.name() + " " + path;
    }

    private ApiRoute with(ApiContract replacement) {
        return new ApiRoute(method, path, tag, summary, authenticated, handler, limitedBy, maxBodyBytes, replacement);
    }

    private static boolean isWrite(HandlerType method) {
        return method == HandlerType.POST || method == HandlerType.PUT || method == HandlerType.PATCH
                || method == HandlerType.DELETE;
    }
}
