package io.eventline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks answers against the OpenAPI document the instance serves: a status the operation declares must have a
 * body that follows its schema; any other 4xx or 5xx must be an RFC 9457 problem, and any other status is a
 * violation. Paths the document
 * does not describe (internal calls, assets, the registry) are not checked.
 */
public final class OpenApiContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    public OpenApiContract(String document) {
        try {
            this.document = JSON.readTree(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The operation of {@code method} that describes {@code uri}'s path; literal segments win over templates. */
    public Optional<Operation> operation(String method, URI uri) {
        final String[] segments = uri.getRawPath().split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> paths = document.path("paths").fieldNames(); paths.hasNext(); ) {
            final String template = paths.next();
            final String[] parts = template.split("/", -1);
            if (parts.length != segments.length
                    || !document.path("paths").path(template).has(method.toLowerCase(Locale.ROOT))) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (parts[i].startsWith("{")) {
                    matches = !segments[i].isEmpty();
                } else if (parts[i].equals(segments[i])) {
                    literals++;
                } else {
                    matches = false;
                }
            }
            if (matches && literals > bestLiterals) {
                best = template;
                bestLiterals = literals;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        return Optional.of(new Operation(method.toUpperCase(Locale.ROOT) + " " + best,
                document.path("paths").path(best).path(method.toLowerCase(Locale.ROOT))));
    }

    /** What is wrong with this answer, if anything; empty when the path is not documented. */
    public List<String> violations(String method, URI uri, int status, String contentType, String body) {
        final Optional<Operation> operation = operation(method, uri);
        if (operation.isEmpty()) {
            return List.of();
        }
        final List<String> problems = new ArrayList<>();
        final String name = operation.get().name();
        final JsonNode declared = operation.get().node().path("responses").path(String.valueOf(status));
        final String type = contentType == null ? "" : contentType.split(";", 2)[0].trim();
        if (status >= 400 && declared.isMissingNode()) {
            if (!type.equals("application/problem+json")) {
                problems.add(name + " answered " + status + " as '" + contentType + "', not a problem");
            } else {
                problems.addAll(validate(name + " " + status, componentRef("Problem"), body));
            }
            return problems;
        }
        if (declared.isMissingNode()) {
            problems.add(name + " answered " + status + ", which its document does not declare");
            return problems;
        }
        final JsonNode schema = declared.path("content").path("application/json").path("schema");
        if (!schema.isMissingNode()) {
            if (!type.equals("application/json")) {
                problems.add(name + " answered " + status + " as '" + contentType + "', not JSON");
            } else {
                problems.addAll(validate(name + " " + status, schema, body));
            }
        }
        return problems;
    }

    /** An operation of the document: {@code "POST /api/v1/urls"} and its OpenAPI node. */
    public record Operation(String name, JsonNode node) {
    }

    private List<String> validate(String where, JsonNode schema, String body) {
        final Schema compiledSchema = compiled.computeIfAbsent(where + schema, key -> SCHEMAS.getSchema(
                standalone(schema).toString(), InputFormat.JSON));
        try {
            final List<Error> errors = compiledSchema.validate(body, InputFormat.JSON);
            return errors.stream().map(error -> where + ": " + error.getMessage() + " in " + abbreviate(body))
                    .toList();
        } catch (RuntimeException e) {
            return List.of(where + ": the body is not JSON: " + abbreviate(body));
        }
    }

    /** The schema with the document's components beside it, so its references resolve. */
    private JsonNode standalone(JsonNode schema) {
        final ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("components", document.path("components"));
        root.putArray("allOf").add(schema);
        return root;
    }

    private static JsonNode componentRef(String name) {
        return JSON.createObjectNode().put("$ref", "#/components/schemas/" + name);
    }

    private static String abbreviate(String body) {
        return body == null ? "null" : body.length() <= 300 ? body : body.substring(0, 300) + "…";
    }
}
