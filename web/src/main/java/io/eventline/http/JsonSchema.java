package io.eventline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A JSON Schema (2020-12, as OpenAPI 3.1 uses it) for a request or response body, built where a route is
 * declared. Each method returns a new schema; a schema is never changed once built.
 */
public final class JsonSchema {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectNode node;

    private JsonSchema(ObjectNode node) {
        this.node = node;
    }

    public static JsonSchema string() {
        return of("string");
    }

    /** A string of 1 to {@code maxLength} characters. */
    public static JsonSchema string(int maxLength) {
        return string().with("minLength", 1).with("maxLength", maxLength);
    }

    /** One of {@code values}. */
    public static JsonSchema oneOf(String... values) {
        final JsonSchema schema = string();
        final ArrayNode allowed = schema.node.putArray("enum");
        for (String value : values) {
            allowed.add(value);
        }
        return schema;
    }

    /** A string in {@code format} (uri, email, date-time, …). */
    public static JsonSchema formatted(String format) {
        return string().with("format", format);
    }

    public static JsonSchema integer() {
        return of("integer");
    }

    public static JsonSchema integer(long minimum, long maximum) {
        return integer().with("minimum", minimum).with("maximum", maximum);
    }

    public static JsonSchema number() {
        return of("number");
    }

    public static JsonSchema bool() {
        return of("boolean");
    }

    public static JsonSchema arrayOf(JsonSchema items) {
        final JsonSchema schema = of("array");
        schema.node.set("items", items.toJson());
        return schema;
    }

    /** An object with no declared fields yet; add them with {@link #required} and {@link #optional}. */
    public static JsonSchema object() {
        return of("object");
    }

    /** An object whose values, under any key, follow {@code values}. */
    public static JsonSchema mapOf(JsonSchema values) {
        final JsonSchema schema = object();
        schema.node.set("additionalProperties", values.toJson());
        return schema;
    }

    /** A page of a list, as every paged route answers: {@code {"items":[...],"nextCursor":...}}. */
    public static JsonSchema page(JsonSchema item) {
        return object().required("items", arrayOf(item)).required("nextCursor", string().nullable());
    }

    /** Anything JSON. */
    public static JsonSchema any() {
        return new JsonSchema(NODES.objectNode());
    }

    /** A reference to a schema of the document's components. */
    public static JsonSchema ref(String component) {
        return new JsonSchema(NODES.objectNode().put("$ref", "#/components/schemas/" + component));
    }

    /** This object with a field that must be present. */
    public JsonSchema required(String field, JsonSchema schema) {
        final JsonSchema copy = optional(field, schema);
        final ArrayNode required = copy.node.has("required") ? (ArrayNode) copy.node.get("required")
                : copy.node.putArray("required");
        required.add(field);
        return copy;
    }

    /** This object with a field that may be left out. */
    public JsonSchema optional(String field, JsonSchema schema) {
        final ObjectNode copy = node.deepCopy();
        final ObjectNode properties = copy.has("properties") ? (ObjectNode) copy.get("properties")
                : copy.putObject("properties");
        properties.set(field, schema.toJson());
        return new JsonSchema(copy);
    }

    /** This object, refusing fields it does not declare. */
    public JsonSchema closed() {
        return with("additionalProperties", false);
    }

    /** This schema, also allowing {@code null}. */
    public JsonSchema nullable() {
        final ObjectNode copy = node.deepCopy();
        final JsonNode type = copy.get("type");
        if (type != null && type.isTextual()) {
            copy.putArray("type").add(type.asText()).add("null");
            return new JsonSchema(copy);
        }
        final ObjectNode either = NODES.objectNode();
        either.putArray("anyOf").add(copy).addObject().put("type", "null");
        return new JsonSchema(either);
    }

    /** This array, holding at most {@code maxItems}. */
    public JsonSchema maxItems(int maxItems) {
        return with("maxItems", maxItems);
    }

    /** This schema with a description. */
    public JsonSchema describedAs(String description) {
        final ObjectNode copy = node.deepCopy();
        copy.put("description", description);
        return new JsonSchema(copy);
    }

    /** This schema with an example value, which tools and the request generator of the tests use. */
    public JsonSchema example(String value) {
        final ObjectNode copy = node.deepCopy();
        copy.putArray("examples").add(value);
        return new JsonSchema(copy);
    }

    public ObjectNode toJson() {
        return node.deepCopy();
    }

    private JsonSchema with(String keyword, long value) {
        final ObjectNode copy = node.deepCopy();
        copy.put(keyword, value);
        return new JsonSchema(copy);
    }

    private JsonSchema with(String keyword, boolean value) {
        final ObjectNode copy = node.deepCopy();
        copy.put(keyword, value);
        return new JsonSchema(copy);
    }

    private JsonSchema with(String keyword, String value) {
        final ObjectNode copy = node.deepCopy();
        copy.put(keyword, value);
        return new JsonSchema(copy);
    }

    private static JsonSchema of(String type) {
        return new JsonSchema(NODES.objectNode().put("type", type));
    }
}
