package io.eventline.kv;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /api/v1/admin/kv/stats} (admin): the LSM figures of every kv store partition on this instance
 * ({@link LsmFigures}), so the write path (memtable, SST files per level, pending compaction) and the read path
 * (Bloom filter, block cache) of the key-value store can be watched per partition, with each copy's changelog lag.
 */
public final class KvStatsRoutes {
    public static final String PATH = "/api/v1/admin/kv/stats";
    private static final String TAG = "kv";
    private static final JsonSchema COUNT = JsonSchema.integer(0, Long.MAX_VALUE);
    static final JsonSchema STATS = JsonSchema.object()
            .required("instance", JsonSchema.string())
            .required("stores", JsonSchema.arrayOf(JsonSchema.object()
                    .required("store", JsonSchema.string())
                    .required("partition", COUNT)
                    .required("taskId", JsonSchema.string())
                    .required("role", JsonSchema.oneOf("active", "standby"))
                    .required("memtable", JsonSchema.object().required("bytes", COUNT).required("entries", COUNT))
                    .required("sstFiles", JsonSchema.object()
                            .required("levels", JsonSchema.arrayOf(COUNT).nullable().describedAs("Files at L0, L1, "
                                    + "... as of the last flush or compaction; null while the store had neither "
                                    + "since it opened with files"))
                            .required("totalBytes", COUNT))
                    .required("bloomFilter", JsonSchema.object().required("useful", COUNT)
                            .required("falsePositives", COUNT).nullable())
                    .required("blockCache", JsonSchema.object().required("hits", COUNT).required("misses", COUNT)
                            .required("hitRate", JsonSchema.number().nullable()).nullable())
                    .required("pendingCompactionBytes", COUNT)
                    .required("changelog", JsonSchema.object().required("endOffset", COUNT).required("lag", COUNT)
                            .nullable().describedAs("null when the brokers could not tell the end offsets")))
                    .describedAs("By store, then partition"));

    private final String instance;
    private final Supplier<List<StorePartitionFigures>> figures;
    private final ObjectMapper json;

    /** @param instance this instance's ID, named in the answer */
    public KvStatsRoutes(String instance, KafkaStreams streams, LsmFigures figures, ObjectMapper json) {
        this(instance, () -> figures.collect(streams), json);
    }

    KvStatsRoutes(String instance, Supplier<List<StorePartitionFigures>> figures, ObjectMapper json) {
        this.instance = instance;
        this.figures = figures;
        this.json = json;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.api(HandlerType.GET, PATH, TAG,
                        "The LSM figures of this instance's kv store partitions (admin): memtable, SST files per "
                                + "level, Bloom filter and block cache counters since the store opened, pending "
                                + "compaction, and the copy's role and changelog lag. Asks the brokers for the "
                                + "changelogs' end offsets",
                        this::stats)
                .answers(200, "The figures of each kv store partition on this instance", STATS));
    }

    /** Answers the figures; admins only. */
    public void stats(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final ArrayNode stores = json.createArrayNode();
        figures.get().forEach(figure -> stores.add(render(figure)));
        final ObjectNode answer = json.createObjectNode().put("instance", instance);
        answer.set("stores", stores);
        ctx.contentType("application/json").result(answer.toString());
    }

    private ObjectNode render(StorePartitionFigures figure) {
        final ObjectNode node = json.createObjectNode()
                .put("store", figure.store())
                .put("partition", figure.partition())
                .put("taskId", figure.taskId())
                .put("role", figure.role().label());
        node.putObject("memtable").put("bytes", figure.memtable().bytes()).put("entries", figure.memtable().entries());
        final ObjectNode sstFiles = node.putObject("sstFiles");
        if (figure.sstFiles().levels() == null) {
            sstFiles.putNull("levels");
        } else {
            figure.sstFiles().levels().forEach(sstFiles.putArray("levels")::add);
        }
        sstFiles.put("totalBytes", figure.sstFiles().totalBytes());
        if (figure.bloomFilter() == null) {
            node.putNull("bloomFilter");
        } else {
            node.putObject("bloomFilter").put("useful", figure.bloomFilter().useful())
                    .put("falsePositives", figure.bloomFilter().falsePositives());
        }
        if (figure.blockCache() == null) {
            node.putNull("blockCache");
        } else {
            final ObjectNode cache = node.putObject("blockCache").put("hits", figure.blockCache().hits())
                    .put("misses", figure.blockCache().misses());
            figure.blockCache().hitRate().ifPresentOrElse(rate -> cache.put("hitRate", rate),
                    () -> cache.putNull("hitRate"));
        }
        node.put("pendingCompactionBytes", figure.pendingCompactionBytes());
        if (figure.changelog() == null) {
            node.putNull("changelog");
        } else {
            node.putObject("changelog").put("endOffset", figure.changelog().endOffset())
                    .put("lag", figure.changelog().lag());
        }
        return node;
    }
}
