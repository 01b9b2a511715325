package io.eventline.http;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One HTTP route, declared once: the web app registers its handler and the OpenAPI document describes it
 * from the same declaration, so the two cannot drift apart.
 *
 * @param authenticated whether the route needs a bearer token
 * @param tag           the OpenAPI tag, normally the domain
 */
public record ApiRoute(HandlerType method, String path, String tag, String summary, boolean authenticated,
                       Handler handler) {

    /** A route that needs a bearer token. */
    public static ApiRoute api(HandlerType method, String path, String tag, String summary, Handler handler) {
        return new ApiRoute(method, path, tag, summary, true, handler);
    }

    /** A route anyone may call. */
    public static ApiRoute open(HandlerType method, String path, String tag, String summary, Handler handler) {
        return new ApiRoute(method, path, tag, summary, false, handler);
    }
}
