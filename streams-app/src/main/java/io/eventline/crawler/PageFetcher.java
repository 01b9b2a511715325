package io.eventline.crawler;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Fetches one page over HTTP/1.1 with the JDK client, within a connect timeout, a timeout for the whole of each
 * response and a cap on the body bytes read. Redirects are followed here, at most {@code maxRedirects} hops, each
 * target normalised and checked against the crawl's scope and the {@link AddressGuard} before it is requested.
 * Only bodies of 2xx responses of the accepted media types are read; a previous {@code ETag} or
 * {@code Last-Modified} makes the request conditional.
 * <p>
 * The address is checked right before each request. For plain http the request goes to that very address
 * ({@link PinnedRoutes}). For https the client resolves the name itself a moment after the check: a DNS answer
 * that changes in between (DNS rebinding) could still lead it elsewhere. The window is small, as both lookups
 * normally meet the JVM's cache of answers ({@code networkaddress.cache.ttl}, 30 s by default), but it is open;
 * closing it needs a resolver hook the JDK offers from Java 18 on.
 */
public final class PageFetcher {
    /** What is read of an unwanted body (a redirect's, an error page's) before the connection is dropped. */
    private static final long DISCARDED_BYTES = 64 * 1024;
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final int ROBOTS_REDIRECTS = 5;

    private final CrawlerSettings settings;
    private final AddressGuard guard;
    private final UrlNormalizer normalizer;
    private final Clock clock;
    private final PinnedRoutes routes = new PinnedRoutes();
    private final HttpClient client;
    private final Limits pageLimits;
    private final Limits robotsLimits;

    /** What one kind of fetch accepts: the media types whose body is read, its size, the redirects followed. */
    private record Limits(Predicate<String> mediaTypes, long maxBytes, int maxRedirects) {
    }

    public PageFetcher(CrawlerSettings settings, AddressGuard guard, Clock clock) {
        this.settings = settings;
        this.guard = guard;
        this.normalizer = new UrlNormalizer(settings.maxUrlLength());
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(settings.connectTimeout())
                .proxy(routes)
                .build();
        final Set<String> types = settings.contentTypes();
        this.pageLimits = new Limits(type -> type != null && types.contains(type), settings.maxBodyBytes(),
                settings.maxRedirects());
        // RFC 9309 section 2.3.1.2: at least five redirects, whatever the file's media type
        this.robotsLimits = new Limits(type -> true, settings.maxRobotsBytes(), ROBOTS_REDIRECTS);
    }

    /** Fetches {@code request.url()}, following redirects; never throws for what the network or server does. */
    public FetchResult fetch(FetchRequest request) {
        return fetch(request, pageLimits);
    }

    /**
     * Fetches and reads the robots.txt of {@code origin} ({@code https://example.com}, {@code http://host:8080}),
     * following up to five redirects to any host the address guard lets through. More redirects than that make
     * the file unavailable (RFC 9309 section 2.3.1.2: as a 4xx, everything allowed); no answer makes the host
     * unreachable for now ({@link RobotsRules#retryLater()}).
     *
     * @param userAgent the crawl's own {@code User-Agent}, or null for the settings' one
     */
    public RobotsRules fetchRobots(String origin, String userAgent) {
        return fetchRobotsFile(origin, userAgent).rules(settings);
    }

    /**
     * Fetches the robots.txt of {@code origin} as {@link #fetchRobots} does and gives the file as fetched, for a
     * frontier that keeps it and builds the rules again after a restart.
     */
    public RobotsFile fetchRobotsFile(String origin, String userAgent) {
        final String robotsUrl = origin + "/robots.txt";
        final FetchResult result = fetch(new FetchRequest(robotsUrl, url -> true, userAgent, null, null),
                robotsLimits);
        if (result.failure() == FetchFailure.TOO_MANY_REDIRECTS) {
            return new RobotsFile(robotsUrl, RobotsFile.NOT_THERE, null);
        }
        if (result.failure() == FetchFailure.BLOCKED_ADDRESS) {
            return new RobotsFile(robotsUrl, RobotsFile.BLOCKED, null);
        }
        if (result.failure() != null && result.failure() != FetchFailure.TOO_LARGE) {
            return new RobotsFile(robotsUrl, RobotsFile.UNREACHABLE, null);
        }
        return new RobotsFile(result.finalUrl(), result.status(), result.body());
    }

    private FetchResult fetch(FetchRequest request, Limits limits) {
        final List<String> redirects = new ArrayList<>();
        String url = request.url();
        while (true) {
            final URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                return FetchResult.failed(request.url(), url, redirects, FetchFailure.INVALID_URL, e.getMessage());
            }
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                return FetchResult.failed(request.url(), url, redirects, FetchFailure.INVALID_URL,
                        "not an absolute http(s) URL");
            }
            final Checked<InetAddress> address = guard.check(uri.getHost());
            if (!address.passed()) {
                final FetchFailure failure = AddressGuard.UNRESOLVED.equals(address.reason())
                        ? FetchFailure.UNRESOLVED : FetchFailure.BLOCKED_ADDRESS;
                return FetchResult.failed(request.url(), url, redirects, failure, address.detail());
            }
            routes.pin(uri, address.value());
            final HttpResponse<CappedBody.Body> response;
            try {
                response = exchange(uri, request, limits);
            } catch (FetchException e) {
                return FetchResult.failed(request.url(), url, redirects, e.failure, e.getMessage());
            }
            final String location = response.headers().firstValue("Location").orElse(null);
            if (!REDIRECTS.contains(response.statusCode()) || location == null) {
                return result(request.url(), url, redirects, response, limits);
            }
            if (redirects.size() >= limits.maxRedirects()) {
                return FetchResult.failed(request.url(), url, redirects, FetchFailure.TOO_MANY_REDIRECTS,
                        "more than " + limits.maxRedirects() + " redirects");
            }
            final Checked<String> next = normalizer.resolve(url, location);
            if (!next.passed()) {
                return FetchResult.failed(request.url(), url, redirects, FetchFailure.BAD_REDIRECT,
                        "Location " + location + ": " + next.reason());
            }
            if (!request.inScope().test(next.value())) {
                return FetchResult.failed(request.url(), url, redirects, FetchFailure.OUT_OF_SCOPE_REDIRECT,
                        "redirect to " + next.value());
            }
            url = next.value();
            redirects.add(url);
        }
    }

    private HttpResponse<CappedBody.Body> exchange(URI uri, FetchRequest request, Limits limits)
            throws FetchException {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(uri).GET()
                .timeout(settings.requestTimeout())
                .header("User-Agent", request.userAgent() != null ? request.userAgent() : settings.userAgent())
                .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1");
        if (request.etag() != null) {
            builder.header("If-None-Match", request.etag());
        }
        if (request.lastModified() != null) {
            builder.header("If-Modified-Since", request.lastModified());
        }
        final CompletableFuture<HttpResponse<CappedBody.Body>> pending =
                client.sendAsync(builder.build(), info -> bodyOf(info, limits));
        try {
            // the request timeout covers the wait for headers only; this bounds the body too
            return pending.get(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new FetchException(FetchFailure.TIMEOUT, "no whole response within " + settings.requestTimeout());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new FetchException(FetchFailure.IO_ERROR, "interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw FetchException.of(cause);
        }
    }

    private static HttpResponse.BodySubscriber<CappedBody.Body> bodyOf(HttpResponse.ResponseInfo info,
                                                                        Limits limits) {
        final boolean wanted = info.statusCode() >= 200 && info.statusCode() < 300
                && limits.mediaTypes().test(mediaType(info.headers()));
        return wanted ? new CappedBody(limits.maxBytes(), true) : new CappedBody(DISCARDED_BYTES, false);
    }

    private FetchResult result(String requested, String url, List<String> redirects,
                               HttpResponse<CappedBody.Body> response, Limits limits) {
        final HttpHeaders headers = response.headers();
        final int status = response.statusCode();
        final String mediaType = mediaType(headers);
        final CappedBody.Body body = response.body();
        FetchFailure failure = null;
        String detail = null;
        if (status >= 200 && status < 300 && !limits.mediaTypes().test(mediaType)) {
            failure = FetchFailure.CONTENT_TYPE;
            detail = mediaType == null ? "no Content-Type" : mediaType + " is not fetched";
        } else if (body.bytes() != null && body.truncated()) {
            failure = FetchFailure.TOO_LARGE;
            detail = "body longer than " + limits.maxBytes() + " bytes";
        }
        return new FetchResult(requested, url, redirects, status, mediaType, charset(headers),
                headers.firstValue("ETag").orElse(null), headers.firstValue("Last-Modified").orElse(null),
                RetryAfter.parse(headers.firstValue("Retry-After").orElse(null), clock.instant()),
                body.bytes(), body.bytes() != null && body.truncated(), failure, detail);
    }

    private static String mediaType(HttpHeaders headers) {
        return headers.firstValue("Content-Type")
                .map(value -> value.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .filter(value -> !value.isEmpty())
                .orElse(null);
    }

    private static String charset(HttpHeaders headers) {
        final String value = headers.firstValue("Content-Type").orElse("");
        for (String parameter : value.split(";")) {
            final String[] pair = parameter.strip().split("=", 2);
            if (pair.length == 2 && pair[0].strip().equalsIgnoreCase("charset")) {
                return pair[1].strip().replace("\"", "");
            }
        }
        return null;
    }

    /** A fetch that ended without a response, with the failure to report. */
    private static final class FetchException extends Exception {
        private final FetchFailure failure;

        FetchException(FetchFailure failure, String message) {
            super(message, null, false, false);
            this.failure = failure;
        }

        static FetchException of(Throwable cause) {
            if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
                return new FetchException(FetchFailure.TIMEOUT, cause.getMessage());
            }
            if (cause instanceof ConnectException) {
                return new FetchException(FetchFailure.REFUSED, String.valueOf(cause.getMessage()));
            }
            if (cause instanceof IOException) {
                return new FetchException(FetchFailure.IO_ERROR, cause.getClass().getSimpleName() + ": "
                        + cause.getMessage());
            }
            return new FetchException(FetchFailure.IO_ERROR, String.valueOf(cause));
        }
    }
}
