package io.eventline.clients;

import io.eventline.registry.client.InMemorySchemaRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** An event producer whose every send is acknowledged at once, by Kafka's in-memory producer: no broker needed. */
public final class AcknowledgingProducer {
    private AcknowledgingProducer() {
    }

    public static EventProducer create() {
        return new EventProducer(new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer()),
                new InMemorySchemaRegistry());
    }
}
