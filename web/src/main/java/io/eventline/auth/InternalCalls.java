package io.eventline.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Calls from one instance to another: under {@value #PREFIX}, each request signed with a key derived from the
 * token secret (HMAC-SHA256 over method, path and query, body digest, time, a nonce and the caller it acts for),
 * refused when unsigned, altered, older than the allowed skew or seen before. The signed request names the
 * caller's principal and client address, so the receiving instance authorizes and counts the request as if the
 * caller had asked it directly; the caller's own token never leaves the instance it was sent to.
 */
public final class InternalCalls {
    /** Where every instance-to-instance route lives; public routes keep their own paths. */
    public static final String PREFIX = "/internal";
    static final String TIME_HEADER = "Eventline-Internal-Time";
    static final String NONCE_HEADER = "Eventline-Internal-Nonce";
    static final String USER_HEADER = "Eventline-Internal-User";
    static final String ROLES_HEADER = "Eventline-Internal-Roles";
    static final String CLIENT_HEADER = "Eventline-Internal-Client";
    static final String STALE_HEADER = "Eventline-Internal-Allow-Stale";
    static final String SIGNATURE_HEADER = "Eventline-Internal-Signature";
    /** The clocks of two instances may differ this much; a signed request is good for as long. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(10);
    /** Nonces remembered at once; at ten thousand internal calls a second this covers the window twice over. */
    private static final long MAX_REMEMBERED_NONCES = 500_000;
    private static final String CALL_ATTRIBUTE = "eventline.internal-call";
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] KEY_LABEL = "eventline internal calls v1".getBytes(StandardCharsets.UTF_8);
    private static final Base64.Encoder NONCES = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration maxSkew;
    private final Cache<String, Boolean> seen;
    private final SecureRandom random = new SecureRandom();

    public InternalCalls(String tokenSecret, Clock clock, Duration maxSkew) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(tokenSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM),
                KEY_LABEL), ALGORITHM);
        this.clock = clock;
        this.maxSkew = maxSkew;
        this.seen = Caffeine.newBuilder().expireAfterWrite(maxSkew.multipliedBy(2))
                .maximumSize(MAX_REMEMBERED_NONCES).build();
    }

    /**
     * On whose behalf an internal call is made.
     *
     * @param principal     the authenticated caller, or null on an open route
     * @param clientAddress the address the caller's request came from
     * @param allowStale    whether a standby replica may answer
     */
    public record Caller(Principal principal, String clientAddress, boolean allowStale) {
        public Caller {
            if (clientAddress == null || clientAddress.isBlank() || clientAddress.chars().anyMatch(c -> c < 0x21)) {
                throw new IllegalArgumentException("a caller needs a client address without spaces");
            }
        }

        /** The same caller, allowing a standby replica to answer. */
        public Caller allowingStale() {
            return new Caller(principal, clientAddress, true);
        }
    }

    /**
     * A signed request to {@code uri} (whose path starts with {@link #PREFIX}) acting for {@code caller}, with
     * {@code body} as its content; the builder's timeout and accepted types are the caller's to add.
     */
    public HttpRequest.Builder request(String method, URI uri, byte[] body, Caller caller) {
        if (!uri.getRawPath().startsWith(PREFIX + "/")) {
            throw new IllegalArgumentException("internal calls go to " + PREFIX + "/..., not " + uri.getRawPath());
        }
        final byte[] nonceBytes = new byte[16];
        random.nextBytes(nonceBytes);
        final Signed signed = new Signed(method, pathAndQuery(uri.getRawPath(), uri.getRawQuery()), HexFormat.of().formatHex(Digests.sha256(body)),
                Long.toString(clock.millis()), NONCES.encodeToString(nonceBytes),
                caller.principal() == null ? "" : caller.principal().userId(),
                caller.principal() == null ? "" : String.join(",", new TreeSet<>(caller.principal().roles())),
                caller.clientAddress(), Boolean.toString(caller.allowStale()));
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.headers().forEach(request::header);
        return request.header(SIGNATURE_HEADER, sign(signed));
    }

    /**
     * Before-handler for {@link #PREFIX}: admits a request signed by an instance, and makes its caller this
     * request's principal; anything else is a 401.
     */
    public void admit(Context ctx) {
        final String signature = ctx.header(SIGNATURE_HEADER);
        if (signature == null) {
            throw unauthorized("internal routes are for Eventline instances only");
        }
        final Signed signed = new Signed(ctx.method().name(), pathAndQuery(ctx.path(), ctx.queryString()),
                HexFormat.of().formatHex(Digests.sha256(ctx.bodyAsBytes())), header(ctx, TIME_HEADER), header(ctx, NONCE_HEADER),
                header(ctx, USER_HEADER), header(ctx, ROLES_HEADER), header(ctx, CLIENT_HEADER),
                header(ctx, STALE_HEADER));
        if (!MessageDigest.isEqual(sign(signed).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            throw unauthorized("the internal call's signature does not match");
        }
        final long sentAt;
        try {
            sentAt = Long.parseLong(signed.time());
        } catch (NumberFormatException e) {
            throw unauthorized("the internal call's time is not a number");
        }
        if (Math.abs(clock.millis() - sentAt) > maxSkew.toMillis()) {
            throw unauthorized("the internal call is older than " + maxSkew.toSeconds() + " s or from the future");
        }
        if (signed.client().isEmpty()) {
            throw unauthorized("the internal call names no client address");
        }
        if (signed.nonce().isEmpty() || seen.asMap().putIfAbsent(signed.nonce(), Boolean.TRUE) != null) {
            throw unauthorized("the internal call was already made once");
        }
        if (!signed.user().isEmpty()) {
            final Set<String> roles = signed.roles().isEmpty() ? Set.of()
                    : Set.copyOf(new LinkedHashSet<>(List.of(signed.roles().split(","))));
            ctx.attribute(JwtAuth.PRINCIPAL_ATTRIBUTE, new Principal(signed.user(), roles));
        }
        ctx.attribute(CALL_ATTRIBUTE, new Caller(null, signed.client(), Boolean.parseBoolean(signed.allowStale())));
    }

    /**
     * The internal twin of each route that reads from a store another instance may own (the GET routes under
     * {@code /api/} and the short-link catch-all): the same handler, under {@link #PREFIX}, without the public
     * route's rate limit, which the instance that took the request applied.
     */
    public static List<ApiRoute> twins(List<ApiRoute> routes, Set<String> socketPaths) {
        return routes.stream()
                .filter(route -> route.method() == HandlerType.GET && !socketPaths.contains(route.path()))
                .filter(route -> route.path().startsWith("/api/") || route.path().startsWith("/{"))
                .map(route -> new ApiRoute(HandlerType.GET, PREFIX + route.path(), route.tag(), route.summary(),
                        route.authenticated(), route.handler(), ApiRoute.LimitedBy.NONE, route.maxBodyBytes(),
                        route.contract()))
                .toList();
    }

    /** True when another instance made this request, which must then be answered from local stores only. */
    public static boolean isInternal(Context ctx) {
        return ctx.attribute(CALL_ATTRIBUTE) != null;
    }

    /** True when the instance that made this request accepts an answer from a standby replica. */
    public static boolean allowsStale(Context ctx) {
        final Caller call = ctx.attribute(CALL_ATTRIBUTE);
        return call != null && call.allowStale();
    }

    /** The address of the client on whose behalf another instance made this request; null for other requests. */
    public static String clientAddress(Context ctx) {
        final Caller call = ctx.attribute(CALL_ATTRIBUTE);
        return call == null ? null : call.clientAddress();
    }

    /** The parts of a request the signature covers, in the order they are signed. */
    private record Signed(String method, String pathAndQuery, String bodyDigest, String time, String nonce,
                          String user, String roles, String client, String allowStale) {
        String canonical() {
            return String.join("\n", "EVENTLINE-INTERNAL-V1", method, pathAndQuery, bodyDigest, time, nonce, user,
                    roles, client, allowStale);
        }

        Map<String, String> headers() {
            return Map.of(TIME_HEADER, time, NONCE_HEADER, nonce, USER_HEADER, user, ROLES_HEADER, roles,
                    CLIENT_HEADER, client, STALE_HEADER, allowStale);
        }
    }

    private String sign(Signed signed) {
        return HexFormat.of().formatHex(hmac(key, signed.canonical().getBytes(StandardCharsets.UTF_8)));
    }

    private static String pathAndQuery(String path, String query) {
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }

    private static String header(Context ctx, String name) {
        final String value = ctx.header(name);
        return value == null ? "" : value;
    }

    private static byte[] hmac(SecretKeySpec key, byte[] message) {
        try {
            final Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(message);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }

    private static ProblemException unauthorized(String detail) {
        return new ProblemException(401, "unauthorized", "Unauthorized", detail);
    }
}
