package io.eventline.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Instances of one cluster, started as child processes for one test, each on a data directory of its own.
 * Closing stops them in reverse order (the instance that runs the broker last) and deletes their directories.
 */
public final class InstanceGroup implements AutoCloseable {
    private final EventlineProcess.LogsOnFailure logs;
    private final List<EventlineProcess> processes = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();

    public InstanceGroup(EventlineProcess.LogsOnFailure logs) {
        this.logs = logs;
    }

    /**
     * The settings of one instance: its own data directory and HTTP port (also its advertised address), the
     * group's application ID, the tests' JWT secret and registry credentials (for an embedded registry and for
     * another instance's), a small RocksDB budget, and a long wait for outcomes, as a rebalance while the test
     * writes may delay them.
     */
    public Map<String, String> environment(String instanceId, int httpPort, int workerId, String applicationId)
            throws Exception {
        final Path dataDir = Files.createTempDirectory("eventline-" + instanceId + "-");
        dataDirs.add(dataDir);
        final Map<String, String> env = new HashMap<>();
        env.put("EVENTLINE_HTTP_PORT", Integer.toString(httpPort));
        env.put("EVENTLINE_ADVERTISED_URL", "http://localhost:" + httpPort);
        env.put("EVENTLINE_DATA_DIR", dataDir.toString());
        env.put("EVENTLINE_INSTANCE_ID", instanceId);
        env.put("EVENTLINE_WORKER_ID", Integer.toString(workerId));
        env.put("EVENTLINE_APPLICATION_ID", applicationId);
        env.put("EVENTLINE_JWT_SECRET", PlatformFixture.JWT_SECRET);
        env.put("EVENTLINE_REGISTRY_USER_INFO", PlatformFixture.REGISTRY_USER_INFO);
        env.put("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", PlatformFixture.REGISTRY_USER_INFO);
        env.put("EVENTLINE_ROCKSDB_CACHE_BYTES", Long.toString(16L << 20));
        env.put("EVENTLINE_TOPIC_PARTITIONS", Integer.toString(PlatformFixture.TOPIC_PARTITIONS));
        env.put("EVENTLINE_AWAIT_TIMEOUT_MS", "20000");
        env.put("EVENTLINE_RATELIMIT_DOMAIN", "limits-" + applicationId);
        return env;
    }

    /** Starts an instance whose log is printed if the test fails. */
    public EventlineProcess start(String name, Map<String, String> env) throws Exception {
        return start(name, env, EventlineProcess.READY_TIMEOUT);
    }

    /** As {@link #start(String, Map)}, waiting up to {@code readyTimeout} for the ready line. */
    public EventlineProcess start(String name, Map<String, String> env, Duration readyTimeout) throws Exception {
        final EventlineProcess process = EventlineProcess.start(name, env, readyTimeout);
        processes.add(process);
        return logs.watch(process);
    }

    @Override
    public void close() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
        dataDirs.forEach(EventlineProcess::deleteRecursively);
        dataDirs.clear();
    }
}
