package io.eventline.registry.client;

import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API that serializers and deserializers need.
 * Implementations cache: a schema ID never changes meaning once assigned.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (or finds it there) and returns its global ID. */
    int register(String subject, Schema schema);

    /** Returns the schema with this global ID. */
    Schema schemaById(int id);
}
