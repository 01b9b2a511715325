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

    /** RFC 9457 problem details, the body of every 4xx and 5xx answer. */
    public static final JsonSchema PROBLEM = JsonSchema.object()
            .required("type", JsonSchema.string()).required("title", JsonSchema.string())
            .required("status", JsonSchema.integer(400, 599)).optional("detail", JsonSchema.string())
            .optional("instance", JsonSchema.string())
            .optional("errors", JsonSchema.arrayOf(JsonSchema.object().required("pointer", JsonSchema.string())
                    .required("detail", JsonSchema.string())));

    private OpenApiDocument() {
    }

    public static ObjectNode of(List<ApiRoute> routes, String serverUrl, String version, ObjectMapper json) {
        final ObjectNode doc = json.createObjectNode();
        doc.put("openapi", "3.1.0");
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
        components.putObject("schemas").set("Problem", PROBLEM.toJson());
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
        if (route.authenticated()) {
            op.putArray("security").addObject().putArray("bearerAuth");
        }
        final ApiContract contract = route.contract();
        route.contract().queryNames().forEach(name -> {
            final ApiContract.Parameter query = contract.query().get(name);
            final ObjectNode param = parameters.addObject();
            param.put("name", name).put("in", "query").put("required", false).put("description", query.description());
            param.set("schema", query.schema().toJson());
        });
        if (!parameters.isEmpty()) {
            op.set("parameters", parameters);
        }
        if (contract.body() != null) {
            final ObjectNode body = op.putObject("requestBody");
            body.put("required", true);
            body.putObject("content").putObject(ApiContract.JSON).set("schema", contract.body().toJson());
        }
        final ObjectNode responses = op.putObject("responses");
        contract.responses().keySet().stream().sorted().forEach(status -> {
            final ApiContract.Response response = contract.responses().get(status);
            final ObjectNode answer = responses.putObject(String.valueOf(status));
            answer.put("description", response.description());
            if (response.mediaType() != null) {
                final ObjectNode media = answer.putObject("content").putObject(response.mediaType());
                if (response.schema() != null) {
                    media.set("schema", response.schema().toJson());
                }
            }
        });
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
