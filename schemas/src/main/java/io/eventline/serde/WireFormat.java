package io.eventline.serde;

import java.nio.ByteBuffer;

/**
 * Confluent wire format: magic byte 0, a 4-byte big-endian schema ID, then the Avro binary body.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Reads the schema ID of a framed payload, rejecting anything not in the wire format. */
    public static int schemaId(byte[] payload) {
        if (payload == null || payload.length < HEADER_SIZE) {
            throw new WireFormatException("payload of " + (payload == null ? 0 : payload.length)
                    + " bytes is shorter than the 5-byte wire-format header");
        }
        if (payload[0] != MAGIC_BYTE) {
            throw new WireFormatException("unknown magic byte " + payload[0] + "; expected 0");
        }
        return ByteBuffer.wrap(payload, 1, 4).getInt();
    }

    /** Writes the header for {@code schemaId} into the first five bytes of {@code target}. */
    public static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }

    /** A payload that is not in the Confluent wire format. */
    public static final class WireFormatException extends org.apache.kafka.common.errors.SerializationException {
        public WireFormatException(String message) {
            super(message);
        }
    }
}
