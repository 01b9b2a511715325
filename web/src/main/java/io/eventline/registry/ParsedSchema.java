package io.eventline.registry;

import org.apache.avro.Schema;

/**
 * A submitted Avro schema, parsed, with the text that identifies it in the registry: Avro's own full JSON
 * rendering of the parsed schema. That rendering ignores whitespace and attribute order, so equal schemas
 * written differently share one ID, but it keeps defaults, docs, aliases and custom properties. Avro's Parsing
 * Canonical Form would drop those, and two schemas that resolve data differently (a changed default) would
 * wrongly share an ID.
 *
 * @param schema    the parsed schema
 * @param canonical its identifying text, also what the registry stores and serves
 */
record ParsedSchema(Schema schema, String canonical) {

    /** Parses {@code text}, answering any problem with it as a 42201 invalid schema. */
    static ParsedSchema parse(String text) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("empty schema");
        }
        final Schema schema;
        try {
            schema = new Schema.Parser().setValidateDefaults(true).parse(text);
        } catch (RuntimeException e) {
            // Avro reports bad input through several unchecked types (parse, type, JSON and name errors)
            throw RegistryException.invalidSchema(String.valueOf(e.getMessage()));
        }
        return new ParsedSchema(schema, schema.toString());
    }
}
