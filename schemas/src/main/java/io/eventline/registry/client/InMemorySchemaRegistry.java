package io.eventline.registry.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for topology tests that run without a registry server. IDs are global
 * and the same schema under two subjects shares one ID, as in the real registry; compatibility is
 * not checked.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
    private final Map<String, Integer> idBySchema = new ConcurrentHashMap<>();
    private final List<Schema> schemas = new ArrayList<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        return idBySchema.computeIfAbsent(schema.toString(), text -> {
            schemas.add(schema);
            return schemas.size();
        });
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > schemas.size()) {
            throw new SchemaRegistryException(40403, "Schema " + id + " not found");
        }
        return schemas.get(id - 1);
    }
}
