package io.eventline.ids;

import io.eventline.topics.Topic;
import java.time.Duration;
import java.util.Map;

/** The topics of the ID generators. */
public final class IdsTopics {
    /**
     * Leases on (datacenter, worker) pairs, keyed {@code "<datacenter>-<worker>"}; one partition, compacted and
     * rolled hourly so compaction keeps it small.
     */
    public static final Topic<WorkerLeaseClaim> WORKER_LEASES = Topic.table("eventline.worker-leases.v1",
            "datacenter-worker", WorkerLeaseClaim.class,
            claim -> leaseKey(claim.getDatacenterId(), claim.getWorkerId()))
            .withConfigs(Map.of("cleanup.policy", "compact",
                    "segment.ms", Long.toString(Duration.ofHours(1).toMillis())));

    private IdsTopics() {
    }

    /** The record key of a pair's lease. */
    public static String leaseKey(int datacenterId, int workerId) {
        return datacenterId + "-" + workerId;
    }
}
