package io.eventline.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/** HS256 bearer tokens: issues them for the CLI and checks them on every {@code /api/} request. */
public final class JwtAuth {
    public static final String ISSUER = "eventline";
    /** The rate-limit domains a service token may check; without it, every domain but Eventline's own. */
    public static final String DOMAINS_CLAIM = "domains";
    static final String PRINCIPAL_ATTRIBUTE = "eventline.principal";
    private static final String CHALLENGE = "Bearer realm=\"eventline\"";
    /** The longest lifetime a token is issued with: a leaked token stops working within it. */
    public static final Duration MAX_TTL = Duration.ofDays(30);

    private static final int VERIFIED_TOKENS = 10_000;
    /** Longer tokens are verified each time: the cache's memory stays bounded by its entries. */
    private static final int MAX_KEPT_TOKEN_CHARS = 2048;
    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Clock clock;
    private final Consumer<Principal> onVerified;
    /**
     * Tokens already verified, until they expire: checking a signature and parsing the claims again on every
     * request cost more than the reads it guards. Only a token whose signature checked out is kept.
     */
    private final Cache<String, Verified> verified = Caffeine.newBuilder().maximumSize(VERIFIED_TOKENS).build();

    public JwtAuth(String secret, Clock clock) {
        this(secret, clock, principal -> {
        });
    }

    /** @param onVerified told of the holder of every token that passes verification, on the request's thread */
    public JwtAuth(String secret, Clock clock, Consumer<Principal> onVerified) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the JWT secret must be at least 32 characters");
        }
        this.algorithm = Algorithm.HMAC256(secret);
        this.clock = clock;
        this.onVerified = onVerified;
        // a token without an expiry would be accepted forever
        this.verifier = JWT.require(algorithm).withIssuer(ISSUER).withClaimPresence("exp").acceptLeeway(5).build();
    }

    /**
     * A signed token for {@code userId} with {@code roles}, valid for {@code ttl}.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive or longer than {@link #MAX_TTL}
     */
    public String issue(String userId, Set<String> roles, Duration ttl) {
        return issue(userId, roles, Optional.empty(), ttl);
    }

    /**
     * As {@link #issue(String, Set, Duration)}, with a {@value #DOMAINS_CLAIM} claim when {@code domains} is
     * present: the rate-limit domains a service may check.
     */
    public String issue(String userId, Set<String> roles, Optional<Set<String>> domains, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("a token's lifetime must be positive and at most " + MAX_TTL.toDays()
                    + " days, not " + ttl);
        }
        final Instant now = clock.instant();
        final var token = JWT.create().withIssuer(ISSUER).withSubject(userId).withIssuedAt(now)
                .withExpiresAt(now.plus(ttl)).withClaim("roles", List.copyOf(roles));
        domains.ifPresent(names -> token.withClaim(DOMAINS_CLAIM, List.copyOf(new TreeSet<>(names))));
        return token.sign(algorithm);
    }

    /** Verifies a token; any defect is a 401. */
    public Principal verify(String token) {
        final Verified known = verified.getIfPresent(token);
        if (known != null && clock.instant().isBefore(known.expiresAt())) {
            onVerified.accept(known.principal());
            return known.principal();
        }
        final DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (JWTVerificationException e) {
            throw unauthorized("invalid_token", "the bearer token is invalid: " + e.getMessage());
        }
        final String subject = jwt.getSubject();
        if (subject == null || subject.isBlank() || !Users.isValidId(subject)) {
            throw unauthorized("invalid_token", "the token has no usable subject");
        }
        final Principal principal = new Principal(subject, Set.copyOf(strings(jwt, "roles").orElse(List.of())),
                strings(jwt, DOMAINS_CLAIM).map(Set::copyOf));
        if (jwt.getExpiresAtAsInstant() != null && token.length() <= MAX_KEPT_TOKEN_CHARS) {
            verified.put(token, new Verified(principal, jwt.getExpiresAtAsInstant()));
        }
        onVerified.accept(principal);
        return principal;
    }

    private record Verified(Principal principal, Instant expiresAt) {
    }

    /** A claim that is a list of strings; absent when the token does not have it, a 401 when it is anything else. */
    private static Optional<List<String>> strings(DecodedJWT jwt, String name) {
        final Claim claim = jwt.getClaim(name);
        if (claim.isMissing() || claim.isNull()) {
            return Optional.empty();
        }
        final List<String> values;
        try {
            values = claim.asList(String.class);
        } catch (JWTDecodeException e) {
            throw unauthorized("invalid_token", "the token's " + name + " claim is not a list of strings");
        }
        if (values == null || values.contains(null)) {
            throw unauthorized("invalid_token", "the token's " + name + " claim is not a list of strings");
        }
        return Optional.of(values);
    }

    /** Before-handler for {@code /api/*}: authenticates the request or answers 401. */
    public void authenticate(Context ctx) {
        final String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized(null, "an Authorization: Bearer token is required");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("invalid_request", "the Authorization header must use the Bearer scheme");
        }
        ctx.attribute(PRINCIPAL_ATTRIBUTE, verify(header.substring(7).trim()));
    }

    /**
     * As {@link #authenticate(Context)}, also accepting the token as the query parameter {@code parameter} when
     * no Authorization header is sent: browsers cannot set headers on a WebSocket upgrade.
     */
    public Principal authenticate(Context ctx, String parameter) {
        final String header = ctx.header("Authorization");
        final String token = ctx.queryParam(parameter);
        if ((header == null || header.isBlank()) && token != null && !token.isBlank()) {
            ctx.attribute(PRINCIPAL_ATTRIBUTE, verify(token.trim()));
        } else {
            authenticate(ctx);
        }
        return principal(ctx);
    }

    /**
     * The token that {@link #authenticate(Context, String)} accepted for this request: the bearer header's, or
     * else the query parameter's.
     */
    public static String presentedToken(Context ctx, String parameter) {
        final String header = ctx.header("Authorization");
        return header != null && !header.isBlank() ? header.substring("Bearer ".length()).trim()
                : ctx.queryParam(parameter).trim();
    }

    /** When a token that was verified already expires; empty when it carries no expiry. */
    public static java.util.Optional<Instant> expiresAt(String verifiedToken) {
        return java.util.Optional.ofNullable(JWT.decode(verifiedToken).getExpiresAtAsInstant());
    }

    /** The authenticated caller of this request. */
    public static Principal principal(Context ctx) {
        final Principal principal = ctx.attribute(PRINCIPAL_ATTRIBUTE);
        if (principal == null) {
            throw unauthorized(null, "an Authorization: Bearer token is required");
        }
        return principal;
    }

    /** The authenticated caller of this request, if it has one (open routes have none). */
    public static java.util.Optional<Principal> optionalPrincipal(Context ctx) {
        return java.util.Optional.ofNullable(ctx.attribute(PRINCIPAL_ATTRIBUTE));
    }

    /** The caller, who must hold {@code role}. */
    public static Principal requireRole(Context ctx, String role) {
        final Principal principal = principal(ctx);
        if (!principal.roles().contains(role)) {
            throw ProblemException.forbidden("this operation requires the '" + role + "' role");
        }
        return principal;
    }

    /** The caller, who must be a service or an admin to do {@code what} (e.g. "the check API"). */
    public static Principal requireServiceOrAdmin(Context ctx, String what) {
        final Principal principal = principal(ctx);
        if (!principal.roles().contains(Principal.SERVICE) && !principal.isAdmin()) {
            throw ProblemException.forbidden(what + " needs a token with the 'service' or 'admin' role");
        }
        return principal;
    }

    private static ProblemException unauthorized(String error, String detail) {
        final String challenge = error == null ? CHALLENGE : CHALLENGE + ", error=\"" + error + "\"";
        return new ProblemException(401, "unauthorized", "Unauthorized", detail, List.of(),
                Map.of("WWW-Authenticate", challenge));
    }
}
