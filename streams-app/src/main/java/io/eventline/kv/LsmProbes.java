package io.eventline.kv;

import io.eventline.streams.RocksDbInstruments;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.rocksdb.Options;

/**
 * The instruments of this process's kv stores ({@value #STORE_PREFIX}...): attached by the platform's RocksDB
 * config setter to each store partition as it opens, released as it closes, and read by {@link LsmFigures}.
 * Other stores are left alone, since statistics cost every read some CPU. One instance per process, given to the
 * streams application as the value of {@link RocksDbInstruments#CONFIG}.
 */
public final class LsmProbes implements RocksDbInstruments {
    /** Stores whose name starts with this are instrumented. */
    public static final String STORE_PREFIX = "kv-";

    // opened and closed rarely (rebalances), read per stats request; newest last
    private final List<LsmProbe> probes = new CopyOnWriteArrayList<>();
    private final Set<String> instrumented = ConcurrentHashMap.newKeySet();

    @Override
    public Attachment attach(String storeName, Options options) {
        if (!storeName.startsWith(STORE_PREFIX)) {
            return Attachment.NONE;
        }
        final LsmProbe probe = LsmProbe.attach(storeName, options, probes::remove);
        probes.add(probe);
        instrumented.add(storeName);
        return probe;
    }

    /**
     * The reading of each store partition open now, by its directory
     * ({@code <state dir>/<application>/<task>/rocksdb/<store>}), for those whose instruments know it: from the
     * store's first SST file on.
     */
    public Map<Path, LsmReading> readings() {
        final Map<Path, LsmReading> readings = new HashMap<>();
        // oldest first, so that the newest wins: a store that failed to open may have left its instruments behind
        for (LsmProbe probe : List.copyOf(probes)) {
            probe.storeDir().ifPresent(dir -> probe.read().ifPresent(reading -> readings.put(dir, reading)));
        }
        return readings;
    }

    /** Whether a store of this name was ever opened with these instruments. */
    public boolean instruments(String storeName) {
        return instrumented.contains(storeName);
    }
}
