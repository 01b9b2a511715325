package io.eventline.registry.client;

import org.apache.avro.Schema;

/**
 * One version of a subject as the registry reports it.
 *
 * @param subject the subject name
 * @param version the version within the subject, from 1
 * @param id      the global schema ID
 * @param schema  the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {
}
