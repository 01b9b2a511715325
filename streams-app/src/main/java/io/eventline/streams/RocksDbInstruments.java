package io.eventline.streams;

import org.rocksdb.Options;

/**
 * Extra RocksDB instrumentation that {@link BoundedRocksDbConfig} attaches to the stores it chooses. Kafka Streams
 * creates a config setter per store by class name, so the one instance of this travels as an object in the
 * streams properties, under {@link #CONFIG}, and every store's setter finds it there.
 */
public interface RocksDbInstruments {
    /** The streams property whose value is the instance (an object, not a string). */
    String CONFIG = "eventline.rocksdb.instruments";

    /**
     * Called for every store before RocksDB opens it, after the platform's options were set.
     *
     * @return what to close when the store closes; Kafka Streams closes it before RocksDB itself
     */
    Attachment attach(String storeName, Options options);

    /** What an instrumented store holds until it closes. */
    @FunctionalInterface
    interface Attachment extends AutoCloseable {
        /** Nothing attached. */
        Attachment NONE = () -> {
        };

        @Override
        void close();
    }
}
