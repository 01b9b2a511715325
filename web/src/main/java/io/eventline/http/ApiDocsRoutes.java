package io.eventline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;

/** {@code /openapi.json} and the rendered {@code /docs} page. */
public final class ApiDocsRoutes {
    public static final String ASSETS_PATH = "/docs/assets";
    private volatile String document = "{}";

    private ApiDocsRoutes() {
    }

    /** The documentation routes; the document they serve describes {@code routes} and themselves. */
    public static List<ApiRoute> describe(List<ApiRoute> routes, String serverUrl, String version, ObjectMapper json) {
        final ApiDocsRoutes docs = new ApiDocsRoutes();
        final List<ApiRoute> own = List.of(
                ApiRoute.open(HandlerType.GET, "/openapi.json", "docs", "This OpenAPI document", docs::openApi)
                        .answers(200, "OpenAPI 3.1", JsonSchema.object().required("openapi", JsonSchema.string())),
                ApiRoute.open(HandlerType.GET, "/docs", "docs", "The API reference, rendered", ApiDocsRoutes::page)
                        .answersMedia(200, "An HTML page", "text/html"));
        final List<ApiRoute> all = new ArrayList<>(routes);
        all.addAll(own);
        docs.document = OpenApiDocument.of(all, serverUrl, version, json).toString();
        return own;
    }

    private void openApi(Context ctx) {
        ctx.contentType("application/json").result(document);
    }

    private static void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result("""
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <title>Eventline API</title>
                  <link rel="stylesheet" href="%1$s/swagger-ui.css">
                </head>
                <body>
                  <div id="swagger-ui"></div>
                  <script src="%1$s/swagger-ui-bundle.js"></script>
                  <script>
                    window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
                  </script>
                </body>
                </html>
                """.formatted(ASSETS_PATH));
    }
}
