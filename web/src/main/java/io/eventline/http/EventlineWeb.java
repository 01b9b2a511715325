package io.eventline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.JwtAuth;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Builds the Javalin app from route declarations: auth on {@code /api/}, problems for every error. */
public final class EventlineWeb {
    /** Request bodies larger than this are refused with 413. */
    public static final long MAX_BODY_BYTES = 64 * 1024;

    private EventlineWeb() {
    }

    public static Javalin create(List<ApiRoute> routes, JwtAuth auth, ObjectMapper json, MeterRegistry meters) {
        final Problems problems = new Problems(json);
        return Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = MAX_BODY_BYTES;
            config.startup.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = ApiDocsRoutes.ASSETS_PATH;
                files.directory = swaggerUiDirectory();
                files.location = Location.CLASSPATH;
            });
            final Map<String, Timer> timers = new ConcurrentHashMap<>();
            config.requestLogger.http((ctx, millis) -> {
                final String method = ctx.method().name();
                final String route = routeOf(ctx);
                final String status = Integer.toString(ctx.statusCode());
                timers.computeIfAbsent(method + ' ' + route + ' ' + status, key -> Timer.builder("http.server.requests")
                                .tag("method", method).tag("route", route).tag("status", status)
                                .publishPercentileHistogram().register(meters))
                        .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
            });
            // open routes under /api (an e-mail's unsubscribe link) are fixed paths, so an exact match suffices
            final java.util.Set<String> open = routes.stream().filter(route -> !route.authenticated())
                    .map(ApiRoute::endpoint).collect(java.util.stream.Collectors.toSet());
            config.routes.before("/api/*", ctx -> {
                if (!open.contains(ctx.method().name() + " " + ctx.path())) {
                    auth.authenticate(ctx);
                }
            });
            // a route that starts with a path parameter (the short-link catch-all) must not shadow fixed paths
            final List<ApiRoute> ordered = routes.stream()
                    .sorted(java.util.Comparator.comparing(route -> route.path().startsWith("/{")))
                    .toList();
            for (ApiRoute route : ordered) {
                config.routes.addEndpoint(new io.javalin.router.Endpoint(route.method(), route.path(), route.handler()));
            }
            config.routes.exception(ProblemException.class, problems::write);
            config.routes.exception(HttpResponseException.class, problems::write);
            config.routes.exception(Exception.class, problems::writeUnexpected);
        });
    }

    private static String routeOf(io.javalin.http.Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "unmatched";
        }
    }

    private static String swaggerUiDirectory() {
        final String pom = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
        try (InputStream in = EventlineWeb.class.getResourceAsStream(pom)) {
            final Properties props = new Properties();
            if (in != null) {
                props.load(in);
            }
            return "/META-INF/resources/webjars/swagger-ui/" + props.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
