package io.eventline.ratelimit;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * The limiter's stores. {@link #STATE} holds three kinds of entry, told apart by a prefix, so that one changelog
 * partition orders them: a decision is written before the counter it changed, and a restored store never holds
 * a counter without the decision that counted it.
 * <ul>
 *   <li>{@code w counterKey} → expiresAt with its top bit set (8 bytes) + the offset on {@code ratelimit.checks.v1}
 *   of the last check applied to it (8 bytes) + the algorithm's state. A value without the top bit set was written
 *   before offsets were kept: expiresAt + state.</li>
 *   <li>{@code d checkId} → expiresAt (8 bytes) + the decision as it was sent (Avro in the wire format)</li>
 *   <li>{@code t expiry (16 hex digits) entry} → nothing: the time index the sweep walks</li>
 * </ul>
 */
public final class RateLimitStores {
    /** Counters, recorded decisions and their time index, keyed as above. */
    public static final String STATE = "ratelimit-state-store";
    /** Every domain's rules, on every instance, keyed by domain. */
    public static final String RULES = "ratelimit-rules-store";

    static final char COUNTER = 'w';
    static final char DECISION = 'd';
    static final char EXPIRY = 't';
    /** Index entries are rounded up to this, so a key hit many times a second moves in the index rarely. */
    static final long INDEX_GRANULARITY_MS = 1_000;
    private static final int EXPIRY_DIGITS = 16;
    /** Set in a counter's expiry when an applied offset follows it; an expiry is never negative. */
    private static final long OFFSET_KEPT = Long.MIN_VALUE;

    private RateLimitStores() {
    }

    /** The store key of a counter's state. */
    public static String counterEntry(String counterKey) {
        return COUNTER + counterKey;
    }

    static String decisionEntry(String checkId) {
        return DECISION + checkId;
    }

    /** The index entry of {@code entry}, which expires at {@code expiresAt}. */
    static String indexEntry(long expiresAt, String entry) {
        return EXPIRY + hex(indexSlot(expiresAt)) + entry;
    }

    /** The first index key of slots at or after {@code time}. */
    static String indexFrom(long time) {
        return EXPIRY + hex(time);
    }

    /** The slot of an index key. */
    static long slotOf(String indexKey) {
        return Long.parseUnsignedLong(indexKey.substring(1, 1 + EXPIRY_DIGITS), 16);
    }

    /** The entry an index key points at. */
    static String indexedEntry(String indexKey) {
        return indexKey.substring(1 + EXPIRY_DIGITS);
    }

    static long indexSlot(long expiresAt) {
        return Math.floorDiv(expiresAt + INDEX_GRANULARITY_MS - 1, INDEX_GRANULARITY_MS) * INDEX_GRANULARITY_MS;
    }

    /** A counter's stored value; {@code appliedOffset} makes a check processed again (a replay) count once. */
    static byte[] counterValue(long expiresAt, long appliedOffset, byte[] state) {
        return ByteBuffer.allocate(2 * Long.BYTES + state.length).putLong(expiresAt | OFFSET_KEPT)
                .putLong(appliedOffset).put(state).array();
    }

    /** The input offset of the last check a counter's value applied; -1 when it does not say. */
    static long appliedOffsetOf(byte[] counterValue) {
        final ByteBuffer value = ByteBuffer.wrap(counterValue);
        return value.getLong() < 0 ? value.getLong() : -1;
    }

    /** A counter's stored value without its expiry and offset: the algorithm's state. */
    public static byte[] counterStateOf(byte[] counterValue) {
        final int header = ByteBuffer.wrap(counterValue).getLong() < 0 ? 2 * Long.BYTES : Long.BYTES;
        final byte[] state = new byte[counterValue.length - header];
        System.arraycopy(counterValue, header, state, 0, state.length);
        return state;
    }

    static byte[] withExpiry(long expiresAt, byte[] payload) {
        return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(expiresAt).put(payload).array();
    }

    /** When a stored value expires. */
    public static long expiryOf(byte[] stored) {
        return ByteBuffer.wrap(stored).getLong() & ~OFFSET_KEPT;
    }

    /** A stored value without its expiry. */
    public static byte[] payloadOf(byte[] stored) {
        final byte[] payload = new byte[stored.length - Long.BYTES];
        System.arraycopy(stored, Long.BYTES, payload, 0, payload.length);
        return payload;
    }

    private static String hex(long value) {
        return HexFormat.of().withUpperCase().toHexDigits(Math.max(0, value));
    }
}
