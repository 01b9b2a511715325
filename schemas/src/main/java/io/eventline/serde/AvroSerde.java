package io.eventline.serde;

import io.eventline.registry.client.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro serde in the Confluent wire format with subjects named by topic ({@code <topic>-value} or
 * {@code <topic>-key}). With a record class it reads into that generated class, resolving the writer's
 * schema against the class's schema; without one it yields {@code GenericRecord}s in the writer's schema.
 */
public final class AvroSerde<T extends GenericContainer> implements Serde<T> {
    private final SchemaRegistryClient registry;
    private final Class<T> recordClass;
    private final boolean isKey;
    private final Map<String, Map<Schema, Integer>> idByTopicAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, DatumReader<T>> readerById = new ConcurrentHashMap<>();
    private final Map<Schema, DatumWriter<T>> writerBySchema = new ConcurrentHashMap<>();

    private AvroSerde(SchemaRegistryClient registry, Class<T> recordClass, boolean isKey) {
        this.registry = registry;
        this.recordClass = recordClass;
        this.isKey = isKey;
        if (recordClass != null) {
            TrustedEventPackages.install();
        }
    }

    /** A value serde for a generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> forValue(SchemaRegistryClient registry, Class<T> type) {
        return new AvroSerde<>(registry, type, false);
    }

    /** A key serde for a generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> forKey(SchemaRegistryClient registry, Class<T> type) {
        return new AvroSerde<>(registry, type, true);
    }

    /** A value serde for generic records: reads in the writer's schema, writes in the record's own. */
    public static AvroSerde<GenericContainer> generic(SchemaRegistryClient registry, boolean isKey) {
        return new AvroSerde<>(registry, null, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    /** The registry subject of {@code topic}'s keys or values: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /** Frames {@code record} for {@code topic}, registering its schema under the topic's subject once. */
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        final Schema schema = record.getSchema();
        final int id = idByTopicAndSchema.computeIfAbsent(topic, t -> new ConcurrentHashMap<>())
                .computeIfAbsent(schema, s -> registry.register(subject(topic, isKey), s));
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.write(new byte[WireFormat.HEADER_SIZE], 0, WireFormat.HEADER_SIZE);
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writerBySchema.computeIfAbsent(schema, this::writerFor).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + schema.getFullName() + " for " + topic, e);
        }
        final byte[] bytes = out.toByteArray();
        WireFormat.writeHeader(bytes, id);
        return bytes;
    }

    /** Decodes a framed payload; any malformed input surfaces as a {@link SerializationException}. */
    public T deserialize(String topic, byte[] payload) {
        if (payload == null) {
            return null;
        }
        final int id = WireFormat.schemaId(payload);
        try {
            final DatumReader<T> reader = readerById.computeIfAbsent(id, this::readerFor);
            final BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(payload, WireFormat.HEADER_SIZE, payload.length - WireFormat.HEADER_SIZE, null);
            return reader.read(null, decoder);
        } catch (SerializationException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode record with schema id " + id + " from " + topic, e);
        }
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<T> writerFor(Schema schema) {
        return recordClass == null
                ? new GenericDatumWriter<>(schema)
                : new SpecificDatumWriter<>(schema, SpecificData.getForClass(recordClass));
    }

    @SuppressWarnings("unchecked")
    private DatumReader<T> readerFor(int id) {
        final Schema writer = registry.schemaById(id);
        if (recordClass == null) {
            return new GenericDatumReader<>(writer);
        }
        final Schema reader = SpecificData.get().getSchema(recordClass);
        return new SpecificDatumReader<>(writer, reader, SpecificData.getForClass(recordClass));
    }
}
