package io.eventline.serde;

import io.eventline.registry.client.SchemaRegistryClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/** Value serdes for Eventline's events over one registry, one per event type. */
public final class EventSerdes {
    private final SchemaRegistryClient registry;
    private final Map<Class<?>, Serde<?>> serdes = new ConcurrentHashMap<>();

    public EventSerdes(SchemaRegistryClient registry) {
        this.registry = registry;
    }

    @SuppressWarnings("unchecked")
    public <V extends SpecificRecord> Serde<V> of(Class<V> type) {
        return (Serde<V>) serdes.computeIfAbsent(type, t -> AvroSerde.forValue(registry, type));
    }

    public SchemaRegistryClient registry() {
        return registry;
    }
}
