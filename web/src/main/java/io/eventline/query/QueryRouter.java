package io.eventline.query;

import io.eventline.auth.InternalCalls;
import io.eventline.http.ProblemException;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every read from the instance that owns the key: locally when that is this instance, otherwise by
 * forwarding the request once to the owner's internal twin of the route ({@link InternalCalls}). A forwarded
 * request is never forwarded again. When the owner cannot be reached, a standby replica answers, marked
 * {@code Eventline-Stale: true}; while ownership is unknown (rebalancing, restoring), and where a stale copy lacks
 * what was asked, the answer is 503 with {@code Retry-After}, never a wrong 404.
 */
public final class QueryRouter {
    public static final String STALE_HEADER = "Eventline-Stale";
    private static final Logger LOG = LoggerFactory.getLogger(QueryRouter.class);
    private static final Serializer<String> KEYS = new StringSerializer();
    private static final List<String> PASSED_BACK_HEADERS = List.of("Content-Type", "Location", STALE_HEADER,
            "Retry-After", "Cache-Control", "WWW-Authenticate", "ETag", "Last-Modified", "Eventline-Consistency-Token",
            "Eventline-Replica-Lag-Ms", "Eventline-Expires-At");
    /** Request headers an answer depends on, sent on with a forwarded read. */
    private static final List<String> PASSED_ON_HEADERS = List.of("Eventline-Consistency-Token", "If-None-Match");
    static final int RETRY_AFTER_SECONDS = 1;

    private final KafkaStreams streams;
    private final HostInfo self;
    private final InstanceClient instances;
    private final CatchUpGate catchUp;

    public QueryRouter(KafkaStreams streams, HostInfo self, InstanceClient instances, CatchUpGate catchUp) {
        this.streams = streams;
        this.self = self;
        this.instances = instances;
        this.catchUp = catchUp;
    }

    /** An answer computed from this instance's stores. */
    @FunctionalInterface
    public interface LocalAnswer {
        void answer(Context ctx, LocalStores stores) throws Exception;
    }

    /** Answers {@code ctx} from the partition of {@code storeName} that holds {@code key}. */
    public void answer(Context ctx, String storeName, String key, LocalAnswer answer) throws Exception {
        answer(ctx, ownerOf(storeName, key), answer);
    }

    /**
     * As {@link #answer(Context, String, String, LocalAnswer)} for a store whose input is placed by
     * {@code partitioner} rather than by the key's hash.
     */
    public void answer(Context ctx, String storeName, String key, StreamPartitioner<? super String, ?> partitioner,
                       LocalAnswer answer) throws Exception {
        answer(ctx, ownerOf(storeName, key, partitioner), answer);
    }

    private void answer(Context ctx, Optional<KeyQueryMetadata> found, LocalAnswer answer) throws Exception {
        final KeyQueryMetadata owner = found
                .orElseThrow(() -> ProblemException.unavailable(
                        "the owner of this key is being decided (rebalance in progress); retry shortly",
                        RETRY_AFTER_SECONDS));
        if (owner.activeHost().equals(self)) {
            answerLocally(ctx, owner.partition(), false, answer);
        } else if (InternalCalls.isInternal(ctx)) {
            if (!InternalCalls.allowsStale(ctx) || !owner.standbyHosts().contains(self)) {
                throw ProblemException.unavailable("this instance no longer owns the key; retry shortly",
                        RETRY_AFTER_SECONDS);
            }
            answerLocally(ctx, owner.partition(), true, answer);
        } else if (!forward(ctx, owner.activeHost(), false)) {
            answerFromStandby(ctx, owner, answer);
        }
    }

    /**
     * Answers {@code ctx} from any copy of the partition of {@code storeName} that holds {@code key}, active or
     * standby: this instance's when it holds one, else another replica's, tried in random order. A standby's
     * answer is marked {@code Eventline-Stale: true} and may lack the newest writes, a missing key included.
     */
    public void answerFromAnyReplica(Context ctx, String storeName, String key, LocalAnswer answer) throws Exception {
        final KeyQueryMetadata owner = ownerOf(storeName, key).orElseThrow(() -> ProblemException.unavailable(
                "the owner of this key is being decided (rebalance in progress); retry shortly",
                RETRY_AFTER_SECONDS));
        final boolean active = owner.activeHost().equals(self);
        if (active || owner.standbyHosts().contains(self)) {
            answerLocally(ctx, owner.partition(), !active, false, answer);
            return;
        }
        if (InternalCalls.isInternal(ctx)) {
            throw ProblemException.unavailable("this instance no longer holds the key; retry shortly",
                    RETRY_AFTER_SECONDS);
        }
        final List<HostInfo> replicas = new ArrayList<>(owner.standbyHosts());
        replicas.add(owner.activeHost());
        Collections.shuffle(replicas);
        for (HostInfo replica : replicas) {
            if (forward(ctx, replica, true)) {
                return;
            }
        }
        throw ProblemException.unavailable("no replica of this key could answer", RETRY_AFTER_SECONDS);
    }

    private void answerFromStandby(Context ctx, KeyQueryMetadata owner, LocalAnswer answer) throws Exception {
        if (owner.standbyHosts().contains(self)) {
            answerLocally(ctx, owner.partition(), true, answer);
            return;
        }
        for (HostInfo standby : owner.standbyHosts()) {
            if (forward(ctx, standby, true)) {
                return;
            }
        }
        throw ProblemException.unavailable("the owner of this key cannot be reached and no replica could answer",
                RETRY_AFTER_SECONDS);
    }

    /**
     * Reads {@code key} of {@code storeName} where it lives, for work that runs outside any request (a socket
     * catching up): from this instance's stores when it owns the key, else by asking the owner for the internal
     * twin of {@code publicPathAndQuery} on behalf of {@code caller}, one hop. Fails with a 503 problem while the
     * owner is being decided or its store is not queryable yet.
     */
    public <T> CompletableFuture<T> read(String storeName, String key, Function<LocalStores, T> local,
                                         String publicPathAndQuery, InternalCalls.Caller caller,
                                         Function<HttpResponse<byte[]>, T> remote) {
        final Optional<KeyQueryMetadata> owner = ownerOf(storeName, key);
        if (owner.isEmpty()) {
            return CompletableFuture.failedFuture(ProblemException.unavailable(
                    "the owner of this key is being decided (rebalance in progress); retry shortly",
                    RETRY_AFTER_SECONDS));
        }
        if (owner.get().activeHost().equals(self)) {
            try {
                return CompletableFuture.completedFuture(local.apply(localStores(owner.get().partition(), false)));
            } catch (InvalidStateStoreException e) {
                return CompletableFuture.failedFuture(ProblemException.unavailable(
                        "the store is not queryable yet (" + e.getMessage() + ")", RETRY_AFTER_SECONDS));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return instances.http().sendAsync(instances.get(owner.get().activeHost(), publicPathAndQuery, caller,
                "application/json"), HttpResponse.BodyHandlers.ofByteArray()).thenApply(remote);
    }

    /** Who holds {@code key} of {@code storeName}; empty while that is unknown (rebalancing, restoring). */
    public Optional<KeyQueryMetadata> ownerOf(String storeName, String key) {
        return owner(() -> streams.queryMetadataForKey(storeName, key, KEYS));
    }

    /** As {@link #ownerOf(String, String)} for a store whose input is placed by {@code partitioner}. */
    public Optional<KeyQueryMetadata> ownerOf(String storeName, String key,
                                              StreamPartitioner<? super String, ?> partitioner) {
        return owner(() -> streams.queryMetadataForKey(storeName, key, partitioner));
    }

    private static Optional<KeyQueryMetadata> owner(Supplier<KeyQueryMetadata> lookup) {
        final KeyQueryMetadata metadata;
        try {
            metadata = lookup.get();
        } catch (IllegalStateException e) {
            return Optional.empty();
        }
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata) || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            return Optional.empty();
        }
        return Optional.of(metadata);
    }

    private void answerLocally(Context ctx, int partition, boolean stale, LocalAnswer answer) throws Exception {
        answerLocally(ctx, partition, stale, true, answer);
    }

    /** @param neverStaleNotFound whether a stale copy's 404 becomes a 503, as for reads that must not miss */
    private void answerLocally(Context ctx, int partition, boolean stale, boolean neverStaleNotFound,
                               LocalAnswer answer) throws Exception {
        // while the streams replay what they held before a rebalance or restart, the copy here answers what it
        // holds, marked stale like a standby's, rather than nothing: readers keep their answers through a rebalance
        final boolean replaying = !stale && !catchUp.caughtUp();
        if (stale || replaying) {
            ctx.header(STALE_HEADER, "true");
        }
        try {
            answer.answer(ctx, new LocalStores(streams, partition, stale || replaying));
        } catch (InvalidStateStoreException e) {
            throw ProblemException.unavailable("the store is not queryable yet (" + e.getMessage() + ")",
                    RETRY_AFTER_SECONDS);
        } catch (ProblemException e) {
            if (e.status() == HttpStatus.NOT_FOUND.getCode() && (stale || replaying) && neverStaleNotFound) {
                throw notHeldYet(stale);
            }
            throw e;
        }
        if (ctx.status() == HttpStatus.NOT_FOUND && (stale || replaying) && neverStaleNotFound) {
            throw notHeldYet(stale);
        }
    }

    /**
     * What a stale or replaying copy lacks may be a write it has yet to apply (a standby lags its active, a replay
     * has not reached it): never a wrong 404.
     */
    private static ProblemException notHeldYet(boolean stale) {
        return ProblemException.unavailable(stale
                ? "the owner of this key cannot be reached and its replica does not hold this (yet); retry shortly"
                : "this instance is still replaying its input and does not hold this yet; retry shortly",
                RETRY_AFTER_SECONDS);
    }

    /** Sends the request to {@code host}; false when that host cannot be reached. */
    private boolean forward(Context ctx, HostInfo host, boolean allowStale) {
        if (instances.unreachable().unreachable(host)) {
            return false;
        }
        final String query = ctx.queryString();
        final InternalCalls.Caller caller = instances.callerOf(ctx);
        final Map<String, String> passedOn = new LinkedHashMap<>();
        for (String name : PASSED_ON_HEADERS) {
            final String value = ctx.header(name);
            if (value != null) {
                passedOn.put(name, value);
            }
        }
        final HttpRequest request = instances.get(host, ctx.path() + (query == null || query.isEmpty() ? ""
                : "?" + query), allowStale ? caller.allowingStale() : caller, ctx.header("Accept"), passedOn);
        final HttpResponse<byte[]> response;
        try {
            response = instances.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            if (instances.unreachable().refused(host)) {
                LOG.warn("Instance {}:{} refused a forwarded query ({}); its keys are read from standbys for the next "
                        + "{} ms", host.host(), host.port(), e.toString(), UnreachableInstances.HOLD.toMillis());
            }
            return false;
        } catch (IOException e) {
            LOG.warn("Instance {}:{} did not answer a forwarded query: {}", host.host(), host.port(), e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("interrupted while asking the owner", RETRY_AFTER_SECONDS);
        }
        ctx.status(response.statusCode());
        for (String name : PASSED_BACK_HEADERS) {
            response.headers().firstValue(name).ifPresent(value -> {
                if ("Content-Type".equals(name)) {
                    ctx.contentType(value);
                } else {
                    ctx.header(name, value);
                }
            });
        }
        ctx.result(response.body());
        return true;
    }

    /**
     * This instance's copy of one partition's stores; an active copy only once the streams have caught up
     * with what they processed before a restart (a standby copy is stale anyway and says so).
     */
    LocalStores localStores(int partition, boolean stale) {
        if (!stale && !catchUp.caughtUp()) {
            throw ProblemException.unavailable("this instance is still replaying its input after a start; "
                    + "retry shortly", RETRY_AFTER_SECONDS);
        }
        return new LocalStores(streams, partition, stale);
    }

    /** This instance's address as other instances reach it. */
    public HostInfo self() {
        return self;
    }

    /** How this instance asks the others. */
    public InstanceClient instances() {
        return instances;
    }

}
