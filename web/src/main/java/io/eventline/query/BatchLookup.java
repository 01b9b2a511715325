package io.eventline.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventline.auth.InternalCalls;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads many keys of one store at once, asking each instance that owns some of them exactly once: keys this
 * instance owns are read from its stores, the others are sent to their owner in one internal
 * {@code GET path?ids=...} ({@link InternalCalls}), which the owner answers from its own stores only. An owner that cannot be asked makes
 * the whole lookup a 503 with {@code Retry-After}, never a silently shorter answer.
 *
 * <p>In a request from a client, each {@code ids} parameter is a comma-separated list; in a forwarded request
 * each {@code ids} parameter is exactly one key, so keys may contain commas.
 */
public final class BatchLookup {
    public static final String IDS_PARAMETER = "ids";
    /** The most keys one request may ask for. */
    public static final int MAX_KEYS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(BatchLookup.class);

    private final QueryRouter router;
    private final ObjectMapper json;

    public BatchLookup(QueryRouter router, ObjectMapper json) {
        this.router = router;
        this.json = json;
    }

    /** Reads one key from this instance's copy of its partition; null when the store has no such item. */
    @FunctionalInterface
    public interface LocalRead<T> {
        T read(LocalStores stores, String key) throws Exception;
    }

    /** Where owners of keys are asked, and how their answers are matched back to keys. */
    public record Remote(String path, String idField) {
    }

    /** True when another instance sent this request, which must then be answered from local stores only. */
    public static boolean isForwarded(Context ctx) {
        return InternalCalls.isInternal(ctx);
    }

    /**
     * The distinct keys of a batch request in the order asked, at least one and at most {@link #MAX_KEYS};
     * anything else is a 400.
     */
    public static List<String> keys(Context ctx) {
        final boolean forwarded = isForwarded(ctx);
        final LinkedHashSet<String> keys = new LinkedHashSet<>();
        for (String value : ctx.queryParams(IDS_PARAMETER)) {
            if (forwarded) {
                keys.add(value);
                continue;
            }
            for (String key : value.split(",", -1)) {
                if (!key.isEmpty()) {
                    keys.add(key);
                }
            }
        }
        if (keys.isEmpty()) {
            throw ProblemException.badRequest("ids must list at least one ID",
                    List.of(new ProblemException.FieldError("/ids", "required")));
        }
        if (keys.size() > MAX_KEYS) {
            throw ProblemException.badRequest("ids may list at most " + MAX_KEYS + " IDs",
                    List.of(new ProblemException.FieldError("/ids", "at most " + MAX_KEYS + " IDs")));
        }
        return List.copyOf(keys);
    }

    /**
     * The items of {@code keys} that exist, by key, wherever they are stored.
     *
     * @param ctx    the request being answered; its caller is named in every remote request
     * @param remote the batch endpoint that answers a forwarded request for this store
     */
    public Map<String, JsonNode> lookup(Context ctx, String storeName, Collection<String> keys, Remote remote,
                                        LocalRead<JsonNode> read) throws Exception {
        return lookup(ctx, storeName, keys, remote, read, item -> item);
    }

    /**
     * The items of {@code keys} that exist, by key, wherever they are stored, each in the form {@code read}
     * returns; an owner's JSON answer is turned into that form by {@code fromRemote}.
     */
    public <T> Map<String, T> lookup(Context ctx, String storeName, Collection<String> keys, Remote remote,
                                     LocalRead<T> read, Function<JsonNode, T> fromRemote) throws Exception {
        final Map<Integer, List<String>> localByPartition = new LinkedHashMap<>();
        final Map<HostInfo, List<String>> remoteByHost = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            final KeyQueryMetadata owner = ownerOf(storeName, key);
            if (owner.activeHost().equals(router.self())) {
                localByPartition.computeIfAbsent(owner.partition(), p -> new ArrayList<>()).add(key);
            } else {
                remoteByHost.computeIfAbsent(owner.activeHost(), h -> new ArrayList<>()).add(key);
            }
        }
        // every owner is asked at once; the local reads happen while they answer
        final Map<HostInfo, CompletableFuture<HttpResponse<byte[]>>> asked = new LinkedHashMap<>();
        remoteByHost.forEach((host, hostKeys) -> asked.put(host, ask(ctx, host, remote.path(), hostKeys)));
        final Map<String, T> found = new HashMap<>();
        for (Map.Entry<Integer, List<String>> partition : localByPartition.entrySet()) {
            readLocally(partition.getKey(), partition.getValue(), read, found);
        }
        for (Map.Entry<HostInfo, CompletableFuture<HttpResponse<byte[]>>> answer : asked.entrySet()) {
            collect(answer.getKey(), answer.getValue(), remote.idField(), fromRemote, found);
        }
        return found;
    }

    /**
     * The items of {@code keys} from this instance's active partitions only, for a forwarded request: a key
     * that this instance does not own (any more) makes the answer a 503, so the asking instance retries rather
     * than taking the key for absent.
     */
    public <T> Map<String, T> lookupLocally(String storeName, Collection<String> keys, LocalRead<T> read)
            throws Exception {
        final Map<Integer, List<String>> byPartition = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            final KeyQueryMetadata owner = ownerOf(storeName, key);
            if (!owner.activeHost().equals(router.self())) {
                throw ProblemException.unavailable("this instance no longer owns some of the keys; retry shortly",
                        QueryRouter.RETRY_AFTER_SECONDS);
            }
            byPartition.computeIfAbsent(owner.partition(), p -> new ArrayList<>()).add(key);
        }
        final Map<String, T> found = new HashMap<>();
        for (Map.Entry<Integer, List<String>> partition : byPartition.entrySet()) {
            readLocally(partition.getKey(), partition.getValue(), read, found);
        }
        return found;
    }

    private KeyQueryMetadata ownerOf(String storeName, String key) {
        return router.ownerOf(storeName, key).orElseThrow(() -> ProblemException.unavailable(
                "the owner of some keys is being decided (rebalance in progress); retry shortly",
                QueryRouter.RETRY_AFTER_SECONDS));
    }

    private <T> void readLocally(int partition, List<String> keys, LocalRead<T> read, Map<String, T> into)
            throws Exception {
        final LocalStores stores = router.localStores(partition, false);
        try {
            for (String key : keys) {
                final T item = read.read(stores, key);
                if (item != null) {
                    into.put(key, item);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw ProblemException.unavailable("the store is not queryable yet (" + e.getMessage() + ")",
                    QueryRouter.RETRY_AFTER_SECONDS);
        }
    }

    private CompletableFuture<HttpResponse<byte[]>> ask(Context ctx, HostInfo host, String path, List<String> keys) {
        final String query = keys.stream()
                .map(key -> IDS_PARAMETER + "=" + URLEncoder.encode(key, StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        final InstanceClient instances = router.instances();
        final HttpRequest request = instances.get(host, path + "?" + query, instances.callerOf(ctx),
                "application/json");
        return instances.http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> void collect(HostInfo host, CompletableFuture<HttpResponse<byte[]>> asked, String idField,
                             Function<JsonNode, T> fromRemote, Map<String, T> into) throws IOException {
        final HttpResponse<byte[]> response;
        try {
            response = asked.join();
        } catch (CompletionException e) {
            LOG.warn("Instance {}:{} did not answer a batch lookup: {}", host.host(), host.port(),
                    String.valueOf(e.getCause()));
            throw ProblemException.unavailable("the owner of some keys cannot be reached; retry shortly",
                    QueryRouter.RETRY_AFTER_SECONDS);
        }
        if (response.statusCode() != 200) {
            LOG.warn("Instance {}:{} answered a batch lookup with {}", host.host(), host.port(),
                    response.statusCode());
            throw ProblemException.unavailable("the owner of some keys could not answer (" + response.statusCode()
                    + "); retry shortly", QueryRouter.RETRY_AFTER_SECONDS);
        }
        for (JsonNode item : json.readTree(response.body()).path("items")) {
            into.put(item.path(idField).asText(), fromRemote.apply(item));
        }
    }
}
