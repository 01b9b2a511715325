package io.eventline.ratelimit;

import java.nio.ByteBuffer;

/**
 * Reads and writes the state bytes of the algorithms: a one-byte tag (the algorithm's ordinal) and a big-endian body.
 * A state with another tag or the wrong length reads as no state, so a rule that changed algorithm starts afresh.
 */
final class StateCodec {

    private StateCodec() {
    }

    /** The body after the tag, or {@code null} if {@code state} is absent, another algorithm's or malformed. */
    static ByteBuffer read(byte[] state, RateLimitAlgorithm algorithm, int bodyBytes) {
        if (state == null || state.length != 1 + bodyBytes || state[0] != tag(algorithm)) {
            return null;
        }
        return ByteBuffer.wrap(state, 1, bodyBytes);
    }

    /** Like {@link #read} for a variable body: at least {@code minBodyBytes}, then whole {@code entryBytes} entries. */
    static ByteBuffer read(byte[] state, RateLimitAlgorithm algorithm, int minBodyBytes, int entryBytes) {
        if (state == null || state.length < 1 + minBodyBytes || state[0] != tag(algorithm)
                || (state.length - 1 - minBodyBytes) % entryBytes != 0) {
            return null;
        }
        return ByteBuffer.wrap(state, 1, state.length - 1);
    }

    /** A buffer for a state of {@code bodyBytes}, the tag already written. */
    static ByteBuffer write(RateLimitAlgorithm algorithm, int bodyBytes) {
        return ByteBuffer.allocate(1 + bodyBytes).put(tag(algorithm));
    }

    private static byte tag(RateLimitAlgorithm algorithm) {
        return (byte) algorithm.ordinal();
    }
}
