package io.eventline.feed.bench;

import io.eventline.bench.Bench;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * One persistent store of a stopped Kafka Streams instance, as RocksDB left it on disk: its directories (one
 * per task), their size, and RocksDB's own estimates and an exact key count, read by opening each read-only.
 */
final class StoreFiles {
    /** What one store holds over all its partitions. */
    record Usage(int partitions, long bytes, long sstBytes, long keys, long estimatedKeys, long liveDataBytes) {
    }

    private StoreFiles() {
    }

    /** {@code <stateDir>/<task>/rocksdb/<store>} for every task that has the store. */
    static List<Path> directories(Path stateDir, String store) {
        try (Stream<Path> tasks = Files.list(stateDir)) {
            return tasks.map(task -> task.resolve("rocksdb").resolve(store)).filter(Files::isDirectory).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Usage usage(Path stateDir, String store) {
        RocksDB.loadLibrary();
        long bytes = 0;
        long sst = 0;
        long keys = 0;
        long estimated = 0;
        long live = 0;
        final List<Path> dirs = directories(stateDir, store);
        for (Path dir : dirs) {
            bytes += Bench.directoryBytes(dir);
            try (Stream<Path> files = Files.list(dir)) {
                sst += files.filter(f -> f.toString().endsWith(".sst")).mapToLong(f -> f.toFile().length()).sum();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            final long[] counts = readOnly(dir);
            keys += counts[0];
            estimated += counts[1];
            live += counts[2];
        }
        return new Usage(dirs.size(), bytes, sst, keys, estimated, live);
    }

    /**
     * Exact keys, {@code rocksdb.estimate-num-keys} and {@code rocksdb.estimate-live-data-size} of the default
     * column family.
     */
    private static long[] readOnly(Path dir) {
        try (Options options = new Options()) {
            final List<byte[]> families = RocksDB.listColumnFamilies(options, dir.toString());
            final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] family : families) {
                descriptors.add(new ColumnFamilyDescriptor(family));
            }
            final List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (DBOptions dbOptions = new DBOptions();
                 RocksDB db = RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)) {
                int index = 0;
                while (!new String(families.get(index), StandardCharsets.UTF_8).equals("default")) {
                    index++;
                }
                final ColumnFamilyHandle data = handles.get(index);
                long keys = 0;
                try (RocksIterator it = db.newIterator(data)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        keys++;
                    }
                }
                final long[] result = {keys, db.getLongProperty(data, "rocksdb.estimate-num-keys"),
                    db.getLongProperty(data, "rocksdb.estimate-live-data-size")};
                handles.forEach(ColumnFamilyHandle::close);
                return result;
            }
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read " + dir, e);
        }
    }
}
