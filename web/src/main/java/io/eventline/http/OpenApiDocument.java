package io.eventline.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the OpenAPI 3 document from the same route declarations the app registers. */
public final class OpenApiDocument {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    private OpenApiDocument() {
    }

    public static ObjectNode of(List<ApiRoute> routes, String serverUrl, String version, ObjectMapper json) {
        final ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.0.3");
        final ObjectNode info = doc.putObject("info");
        info.put("title", "Eventline API");
        info.put("version", version);
        info.put("description", "Event-streaming backend: every write becomes an event, every read is answered "
                + "from state stores by the instance that owns the key.");
        doc.putArray("servers").addObject().put("url", serverUrl);
        final ObjectNode paths = doc.putObject("paths");
        for (ApiRoute route : routes) {
            final ObjectNode path = paths.has(route.path()) ? (ObjectNode) paths.get(route.path())
                    : paths.putObject(route.path());
            path.set(route.method().name().toLowerCase(Locale.ROOT), operation(route, json));
        }
        final ObjectNode components = doc.putObject("components");
        components.putObject("securitySchemes").putObject("bearerAuth")
                .put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT");
        final ObjectNode problem = components.putObject("schemas").putObject("Problem");
        problem.put("type", "object");
        final ObjectNode props = problem.putObject("properties");
        for (String field : List.of("type", "title", "detail", "instance")) {
            props.putObject(field).put("type", "string");
        }
        props.putObject("status").put("type", "integer");
        final ObjectNode errors = props.putObject("errors");
        errors.put("type", "array");
        final ObjectNode item = errors.putObject("items");
        item.put("type", "object");
        item.putObject("properties").putObject("pointer").put("type", "string");
        ((ObjectNode) item.get("properties")).putObject("detail").put("type", "string");
        return doc;
    }

    private static ObjectNode operation(ApiRoute route, ObjectMapper json) {
        final ObjectNode op = json.createObjectNode();
        op.put("summary", route.summary());
        op.putArray("tags").add(route.tag());
        op.put("operationId", route.method().name().toLowerCase(Locale.ROOT)
                + route.path().replaceAll("[^A-Za-z0-9]+", "_"));
        final Matcher params = PATH_PARAM.matcher(route.path());
        final ArrayNode parameters = json.createArrayNode();
        while (params.find()) {
            final ObjectNode param = parameters.addObject();
            param.put("name", params.group(1));
            param.put("in", "path");
            param.put("required", true);
            param.putObject("schema").put("type", "string");
        }
        if (!parameters.isEmpty()) {
            op.set("parameters", parameters);
        }
        if (route.authenticated()) {
            op.putArray("security").addObject().putArray("bearerAuth");
        }
        final ObjectNode responses = op.putObject("responses");
        responses.putObject("200").put("description", "OK");
        if (route.limitedBy() != ApiRoute.LimitedBy.NONE) {
            final ObjectNode limited = responses.putObject("429");
            limited.put("description", "Over a rate limit counted per "
                    + route.limitedBy().name().toLowerCase(java.util.Locale.ROOT)
                    + "; Retry-After and X-Ratelimit-Retry-After say when to retry");
            limited.putObject("content").putObject("application/problem+json")
                    .putObject("schema").put("$ref", "#/components/schemas/Problem");
        }
        responses.putObject("default").put("description", "An RFC 9457 problem")
                .putObject("content").putObject("application/problem+json")
                .putObject("schema").put("$ref", "#/components/schemas/Problem");
        return op;
    }
}
