package io.eventline.ops;

/**
 * A store partitioned by one kind of key (its input is keyed by it, so Kafka Streams places the key by its hash):
 * the key story names the partition and the instances that hold it.
 *
 * @param kind        the kind of key
 * @param application the streams application whose task keeps it
 * @param store       the store's name
 */
public record KeyedStore(KeyKind kind, Application application, String store) {

    /** The instance's two streams applications, as the ops answers name them. */
    public enum Application {
        AT_LEAST_ONCE("at-least-once"),
        EXACTLY_ONCE("exactly-once");

        private final String label;

        Application(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
