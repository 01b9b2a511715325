package io.eventline.kafka;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Topic names, application ids and group ids that no other test in the run shares, so tests on the shared
 * cluster never see each other's records or state. Names read as {@code <base>-<test>-<n>}, e.g.
 * {@code orders-shouldCountOrders-7-k3f}, where the last part tells apart runs against a reused cluster.
 *
 * <p>Inject it as a test-method parameter under {@link KafkaClusterExtension}, or build one with
 * {@link #forTest(String)}.
 */
public final class TestNames {

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final String RUN_ID =
            Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36), Character.MAX_RADIX);
    private static final int MAX_TEST_PART = 40;

    private final String testPart;

    private TestNames(String testPart) {
        this.testPart = testPart;
    }

    /** Names derived from a test's name, e.g. its method name. */
    public static TestNames forTest(String testName) {
        String cleaned = sanitize(testName);
        if (cleaned.length() > MAX_TEST_PART) {
            cleaned = cleaned.substring(0, MAX_TEST_PART);
        }
        return new TestNames(cleaned.isEmpty() ? "test" : cleaned);
    }

    /** A new unique topic name starting with {@code base}. */
    public String topic(String base) {
        return unique(base);
    }

    /** A new unique Kafka Streams {@code application.id} starting with {@code base}. */
    public String applicationId(String base) {
        return unique(base);
    }

    /** A new unique consumer {@code group.id} starting with {@code base}. */
    public String groupId(String base) {
        return unique(base);
    }

    /** A new unique name starting with {@code base}, legal as a topic name, application id and group id. */
    public String unique(String base) {
        return sanitize(base) + "-" + testPart + "-" + COUNTER.incrementAndGet() + "-" + RUN_ID;
    }

    private static String sanitize(String raw) {
        return raw.replaceAll("[^a-zA-Z0-9._-]+", "_");
    }
}
