package io.eventline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.ids.IdsUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.javalin.router.Endpoint;
import io.javalin.websocket.WsHandlerType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds the Javalin app from route declarations: auth on {@code /api/}, problems for every error, each route's
 * body limit, and WebSocket endpoints whose upgrade passes through their route's guards.
 */
public final class EventlineWeb {
    /**
     * The largest request body any route may accept (a chat message of 100,000 characters, JSON-escaped); each
     * route refuses bodies over its own limit, {@link ApiRoute#DEFAULT_MAX_BODY_BYTES} unless it declares one.
     */
    public static final long MAX_BODY_BYTES = 1024 * 1024;
    /** The Retry-After of a request refused while the instance cannot issue IDs: it asks for its lease this often. */
    private static final int ID_RETRY_SECONDS = 5;

    private EventlineWeb() {
    }

    /**
     * @param routes         the public routes, as clients call them
     * @param internalRoutes routes other instances call, each under {@link InternalCalls#PREFIX}
     */
    public static Javalin create(List<ApiRoute> routes, List<ApiRoute> internalRoutes, List<SocketRoute> sockets,
                                 JwtAuth auth, InternalCalls internal, ObjectMapper json, MeterRegistry meters) {
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
            config.routes.before(QueryStrings::requireDecodable);
            final java.util.Set<String> open = routes.stream().filter(route -> !route.authenticated())
                    .map(ApiRoute::endpoint).collect(java.util.stream.Collectors.toSet());
            config.routes.before("/api/*", ctx -> {
                if (!open.contains(ctx.method().name() + " " + ctx.path())) {
                    auth.authenticate(ctx);
                }
            });
            config.routes.before(InternalCalls.PREFIX + "/*", internal::admit);
            // a route that starts with a path parameter (the short-link catch-all) must not shadow fixed paths
            final List<ApiRoute> ordered = java.util.stream.Stream.concat(routes.stream(), internalRoutes.stream())
                    .sorted(java.util.Comparator.comparing(EventlineWeb::isCatchAll))
                    .toList();
            for (ApiRoute route : ordered) {
                config.routes.addEndpoint(new Endpoint(route.method(), route.path(), withBodyLimit(route)));
            }
            for (SocketRoute socket : sockets) {
                final ApiRoute upgrade = routes.stream()
                        .filter(route -> route.method() == HandlerType.GET && route.path().equals(socket.path()))
                        .findFirst().orElseThrow(() -> new IllegalArgumentException(
                                "the socket " + socket.path() + " has no GET route for its upgrade"));
                config.routes.addEndpoint(new Endpoint(HandlerType.WEBSOCKET_BEFORE_UPGRADE, socket.path(),
                        refusingWithProblems(upgrade.handler(), problems)));
                config.routes.addWsHandler(WsHandlerType.WEBSOCKET, socket.path(), socket.handlers());
                config.jetty.modifyWebSocketServletFactory(factory -> {
                    factory.setMaxTextMessageSize(Math.max(factory.getMaxTextMessageSize(),
                            socket.maxTextMessageBytes()));
                    factory.setIdleTimeout(socket.idleTimeout());
                });
            }
            final ProblemErrorHandler serverErrors = new ProblemErrorHandler(problems);
            config.jetty.modifyServer(server -> server.setErrorHandler(serverErrors));
            config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(serverErrors));
            config.routes.exception(ProblemException.class, problems::write);
            config.routes.exception(IdsUnavailableException.class, (error, ctx) -> problems.write(
                    ProblemException.unavailable("this instance issues no IDs while it does not hold its worker "
                            + "lease; retry, on it later or on another instance", ID_RETRY_SECONDS), ctx));
            config.routes.exception(HttpResponseException.class, problems::write);
            config.routes.exception(Exception.class, problems::writeUnexpected);
        });
    }

    private static boolean isCatchAll(ApiRoute route) {
        final String path = route.path().startsWith(InternalCalls.PREFIX + "/")
                ? route.path().substring(InternalCalls.PREFIX.length()) : route.path();
        return path.startsWith("/{");
    }

    /** The route's handler, refusing a body over the route's limit before anything reads it. */
    private static Handler withBodyLimit(ApiRoute route) {
        final Handler handler = route.handler();
        if (route.maxBodyBytes() >= MAX_BODY_BYTES) {
            return handler;
        }
        return ctx -> {
            final long declared = ctx.contentLength();
            // without a declared length (chunked), the body is read once here, up to the server's limit
            final long length = declared >= 0 || ctx.header("Transfer-Encoding") == null ? declared
                    : ctx.bodyAsBytes().length;
            if (length > route.maxBodyBytes()) {
                throw new HttpResponseException(HttpStatus.CONTENT_TOO_LARGE.getCode(), "body too large");
            }
            handler.handle(ctx);
        };
    }

    /**
     * A handler run before a WebSocket upgrade: a problem it throws refuses the upgrade with that problem as the
     * answer. The upgrade path writes no result of its own, so the problem's body is written here.
     */
    private static Handler refusingWithProblems(Handler handler, Problems problems) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (ProblemException problem) {
                problems.write(problem, ctx);
                writeResult(ctx);
                ctx.skipRemainingHandlers();
            } catch (HttpResponseException error) {
                problems.write(error, ctx);
                writeResult(ctx);
                ctx.skipRemainingHandlers();
            }
        };
    }

    private static void writeResult(Context ctx) throws IOException {
        final InputStream result = ctx.resultInputStream();
        if (result == null) {
            return;
        }
        try (InputStream in = result; OutputStream out = ctx.res().getOutputStream()) {
            in.transferTo(out);
        }
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
