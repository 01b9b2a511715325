package io.eventline.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a route takes and gives, as its OpenAPI entry says: the request body's schema, the query parameters, and
 * each success answer with its body. Problems (4xx, 5xx) share one schema and are not listed per route.
 *
 * @param body      the JSON request body; null when the route takes none
 * @param query     query parameters by name
 * @param responses success answers by status
 */
public record ApiContract(JsonSchema body, Map<String, Parameter> query, Map<Integer, Response> responses) {
    /** A JSON answer's media type. */
    public static final String JSON = "application/json";

    /** A write accepted but not decided within the wait: {@code 202}, with Location naming its operation. */
    public static final JsonSchema PENDING = JsonSchema.object().required("eventId", JsonSchema.string())
            .required("status", JsonSchema.oneOf("pending"));

    /** A query parameter. */
    public record Parameter(String description, JsonSchema schema) {
    }

    /**
     * A success answer.
     *
     * @param mediaType null when the answer has no body
     * @param schema    the body's schema when it is JSON; null otherwise
     */
    public record Response(String description, String mediaType, JsonSchema schema) {
    }

    public ApiContract {
        query = Map.copyOf(query);
        responses = Map.copyOf(responses);
    }

    /** A contract that declares nothing yet. */
    public static ApiContract none() {
        return new ApiContract(null, Map.of(), Map.of());
    }

    ApiContract withBody(JsonSchema schema) {
        return new ApiContract(schema, query, responses);
    }

    ApiContract withQuery(String name, String description, JsonSchema schema) {
        final Map<String, Parameter> more = new LinkedHashMap<>(query);
        more.put(name, new Parameter(description, schema));
        return new ApiContract(body, more, responses);
    }

    ApiContract withResponse(int status, Response response) {
        final Map<Integer, Response> more = new LinkedHashMap<>(responses);
        more.put(status, response);
        return new ApiContract(body, query, more);
    }

    /** The query parameters' names, sorted. */
    public List<String> queryNames() {
        final List<String> names = new ArrayList<>(query.keySet());
        names.sort(null);
        return names;
    }
}
