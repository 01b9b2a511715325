package io.eventline.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Request bodies and values for one operation of the OpenAPI document, from its schemas: one that follows the
 * schema, and many that do not in the ways clients get wrong (malformed JSON, wrong types, huge numbers, deep
 * nesting, odd unicode, empty and oversized bodies). Seeded, so a failing run can be repeated.
 */
public final class RequestCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Strings that have broken parsers, encoders, databases and terminals. */
    static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "\ud800", "\udfff", "\u202eevil", "\uffff",
            "😀👩‍👩‍👧‍👦", "e\u0301".repeat(500), "%00%2e%2e%2f", "../../etc/passwd", "<script>alert(1)</script>",
            "' OR '1'='1", "\r\nSet-Cookie: x=y", "a".repeat(70_000), "\t\n", "NaN", "-0", "1e309",
            "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "ﷺ", "\u0085\u2028\u2029");
    private static final List<JsonNode> ODD_NUMBERS = List.of(NODES.numberNode(new java.math.BigInteger(
                    "99999999999999999999999999999999")), NODES.numberNode(Long.MIN_VALUE),
            NODES.numberNode(-1), NODES.numberNode(0), NODES.numberNode(1e308), NODES.numberNode(-1e308),
            NODES.numberNode(0.5), NODES.numberNode(new java.math.BigDecimal("1e400")),
            NODES.numberNode(Integer.MAX_VALUE + 1L));

    private final JsonNode document;
    private final Random random;
    private int serial;

    public RequestCorpus(JsonNode document, long seed) {
        this.document = document;
        this.random = new Random(seed);
    }

    /** A body that follows {@code schema}. */
    public JsonNode valid(JsonNode schema) {
        return valid(resolve(schema), 0);
    }

    /** Bodies that break {@code schema} in every way this corpus knows, each a raw string. */
    public List<String> invalid(JsonNode schema, long maxBodyBytes) {
        final JsonNode resolved = resolve(schema);
        final List<String> bodies = new ArrayList<>(List.of("", "{", "[", "nul", "{\"a\":}", "{}", "null", "[]",
                "\"text\"", "12", "{\"a\":1,\"a\":2}", "\u0000", "{\"\\ud800\":1}", nested(5_000)));
        bodies.add("{\"x\":\"" + "a".repeat((int) Math.min(maxBodyBytes + 10, 2_000_000)) + "\"}");
        final JsonNode valid = valid(resolved, 0);
        if (valid instanceof ObjectNode object) {
            for (Iterator<String> fields = object.fieldNames(); fields.hasNext(); ) {
                final String field = fields.next();
                for (JsonNode replacement : replacements()) {
                    final ObjectNode changed = object.deepCopy();
                    changed.set(field, replacement);
                    bodies.add(changed.toString());
                }
                final ObjectNode without = object.deepCopy();
                without.remove(field);
                bodies.add(without.toString());
            }
            final ObjectNode extra = object.deepCopy();
            extra.put("unexpected", "field").set("__proto__", NODES.objectNode().put("admin", true));
            bodies.add(extra.toString());
        }
        return bodies;
    }

    /** A value for a query parameter, valid or not. */
    public String parameter(JsonNode schema) {
        if (random.nextInt(3) == 0) {
            return ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size()));
        }
        final JsonNode value = valid(resolve(schema), 0);
        return value.isTextual() ? value.asText() : value.toString();
    }

    private List<JsonNode> replacements() {
        final List<JsonNode> values = new ArrayList<>(ODD_NUMBERS.subList(0, 3));
        values.add(ODD_NUMBERS.get(4 + random.nextInt(ODD_NUMBERS.size() - 4)));
        values.add(NODES.nullNode());
        values.add(NODES.booleanNode(true));
        values.add(NODES.arrayNode().add(1).add("two"));
        values.add(NODES.objectNode().put("nested", "object"));
        values.add(NODES.textNode(ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size()))));
        values.add(NODES.textNode(ODD_STRINGS.get(random.nextInt(ODD_STRINGS.size()))));
        values.add(NODES.textNode("10000000000-01-01T00:00:00Z"));
        values.add(NODES.textNode("+1000000000-01-01T00:00:00Z"));
        return values;
    }

    private JsonNode valid(JsonNode schema, int depth) {
        if (schema.has("examples") && random.nextInt(4) != 0) {
            return schema.get("examples").get(0);
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(random.nextInt(schema.get("enum").size()));
        }
        if (schema.has("anyOf")) {
            return valid(resolve(schema.get("anyOf").get(0)), depth);
        }
        if (schema.has("allOf")) {
            return valid(resolve(schema.get("allOf").get(0)), depth);
        }
        final JsonNode type = schema.get("type");
        final String kind = type == null ? "object" : type.isArray() ? type.get(0).asText() : type.asText();
        return switch (kind) {
            case "string" -> NODES.textNode(string(schema));
            case "integer" -> NODES.numberNode(integer(schema));
            case "number" -> NODES.numberNode(random.nextDouble() * 100);
            case "boolean" -> NODES.booleanNode(random.nextBoolean());
            case "array" -> {
                final ArrayNode array = NODES.arrayNode();
                if (depth < 4 && schema.has("items")) {
                    array.add(valid(resolve(schema.get("items")), depth + 1));
                }
                yield array;
            }
            case "null" -> NODES.nullNode();
            default -> object(schema, depth);
        };
    }

    private JsonNode object(JsonNode schema, int depth) {
        final ObjectNode object = NODES.objectNode();
        final JsonNode required = schema.path("required");
        for (Iterator<java.util.Map.Entry<String, JsonNode>> fields = schema.path("properties").fields();
             fields.hasNext(); ) {
            final java.util.Map.Entry<String, JsonNode> field = fields.next();
            final boolean mustHave = contains(required, field.getKey());
            if (depth < 4 && (mustHave || random.nextBoolean())) {
                object.set(field.getKey(), valid(resolve(field.getValue()), depth + 1));
            }
        }
        if (schema.path("additionalProperties").isObject() && depth < 4) {
            object.set("key" + (++serial % 3), valid(resolve(schema.get("additionalProperties")), depth + 1));
        }
        return object;
    }

    private String string(JsonNode schema) {
        final String format = schema.path("format").asText("");
        final String base = switch (format) {
            case "uri" -> "https://example.com/fuzz/" + (++serial);
            case "email" -> "fuzz" + (++serial) + "@example.com";
            case "date-time" -> Instant.now().toString();
            default -> "fuzz-" + (++serial);
        };
        final int max = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        return base.length() <= max ? base : base.substring(0, Math.max(max, 1));
    }

    private long integer(JsonNode schema) {
        final long min = schema.path("minimum").asLong(0);
        final long max = schema.path("maximum").asLong(100);
        return min + (long) (random.nextDouble() * Math.min(max - min, 1_000));
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        while (current.has("$ref")) {
            current = document.at(current.get("$ref").asText().substring(1));
        }
        return current;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static String nested(int depth) {
        return "{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
