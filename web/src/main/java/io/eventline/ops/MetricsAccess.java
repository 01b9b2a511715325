package io.eventline.ops;

import io.eventline.auth.Digests;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who may read {@code /metrics}, which names every route, topic and store of the instance: anyone when the web
 * server listens on loopback only; otherwise a caller with an admin token, or a scraper sending the metrics token
 * ({@code EVENTLINE_METRICS_TOKEN}) as {@code Authorization: Bearer <token>}. Other callers get 401, and users
 * without the admin role 403.
 */
public final class MetricsAccess {
    private final JwtAuth auth;
    private final Optional<byte[]> metricsTokenDigest;
    private final boolean open;

    private MetricsAccess(JwtAuth auth, Optional<String> metricsToken, boolean open) {
        this.auth = auth;
        this.metricsTokenDigest = metricsToken.map(Digests::sha256);
        this.open = open;
    }

    /** Anyone may read: the server is reachable from this machine only. */
    public static MetricsAccess open() {
        return new MetricsAccess(null, Optional.empty(), true);
    }

    /** An admin token, or {@code metricsToken} when it is set. */
    public static MetricsAccess guarded(JwtAuth auth, Optional<String> metricsToken) {
        return new MetricsAccess(auth, metricsToken, false);
    }

    /** True when no credentials are asked for. */
    public boolean isOpen() {
        return open;
    }

    /** Returns when the caller may read the metrics; throws the 401 or 403 problem otherwise. */
    public void check(Context ctx) {
        if (open || sentMetricsToken(ctx.header("Authorization"))) {
            return;
        }
        auth.authenticate(ctx);
        JwtAuth.requireRole(ctx, Principal.ADMIN);
    }

    private boolean sentMetricsToken(String header) {
        if (metricsTokenDigest.isEmpty() || header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // digests of equal length, compared in constant time: the answer's timing tells nothing of the token
        return MessageDigest.isEqual(Digests.sha256(header.substring(7).trim()), metricsTokenDigest.get());
    }
}
