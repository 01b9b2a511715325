package io.eventline.ops;

import io.eventline.http.ApiRoute;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * The ops page: {@code /ops}, an HTML shell that carries no data (the page asks the admin API for it with the
 * token its user gives), and its scripts and styles under {@code /ops/assets}, named by content hash and so
 * cached for a year.
 */
public final class OpsPageRoutes {
    public static final String PAGE = "/ops";
    public static final String ASSETS = "/ops/assets";
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    private final HashedAssets assets;

    public OpsPageRoutes(HashedAssets assets) {
        this.assets = assets;
    }

    /** The page's files as they ship in the jar, under {@code ops-page/}. */
    public static OpsPageRoutes fromClasspath() {
        return new OpsPageRoutes(HashedAssets.load("/ops-page", ASSETS, "index.html"));
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.open(HandlerType.GET, PAGE, "ops",
                                "The ops page: a live view of the cluster and one key's story, for admins (the page "
                                        + "carries no data; it reads the admin API with the token given to it)",
                                this::page)
                        .answersMedia(200, "The page's HTML", "text/html")
                        .answersEmpty(304, "Not modified since the ETag sent in If-None-Match"),
                ApiRoute.open(HandlerType.GET, ASSETS + "/{file}", "ops",
                                "A script or style of the ops page, named by its content's hash and cacheable "
                                        + "for a year", this::asset)
                        .answersMedia(200, "The asset (JavaScript or CSS)", "text/*")
                        .answersEmpty(304, "Not modified since the ETag sent in If-None-Match"));
    }

    private void page(Context ctx) {
        final HashedAssets.Asset page = assets.page();
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("Referrer-Policy", "no-referrer");
        serve(ctx, page);
    }

    private void asset(Context ctx) {
        final HashedAssets.Asset asset = assets.asset(ctx.pathParam("file")).orElseThrow(() ->
                ProblemException.notFound("no such asset of the ops page; the page names its assets by hash"));
        ctx.header("Cache-Control", IMMUTABLE);
        serve(ctx, asset);
    }

    private static void serve(Context ctx, HashedAssets.Asset asset) {
        ctx.header("ETag", asset.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (matches(ctx.header("If-None-Match"), asset.etag())) {
            ctx.status(304);
            return;
        }
        ctx.contentType(asset.contentType()).result(asset.body());
    }

    /** If-None-Match compares weakly (RFC 9110 13.1.2): a {@code W/} prefix does not stop a match. */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            final String tag = candidate.trim();
            if (tag.equals("*") || (tag.startsWith("W/") ? tag.substring(2) : tag).equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
