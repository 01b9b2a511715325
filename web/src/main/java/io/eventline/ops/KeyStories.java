package io.eventline.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.InternalCalls;
import io.eventline.http.ProblemException;
import io.eventline.platform.DaemonThreads;
import io.eventline.platform.SharedServices;
import io.eventline.query.QueryRouter;
import io.eventline.streams.StreamsSettings;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One key's story: which partition of each store that holds its kind it lives on and which instances hold that
 * partition (active, standbys), its recent events across the topics that carry it with what became of each, and
 * where it stands now in the stores that can tell (read where the key lives, through the query routers). Where
 * each kind lives comes from every domain's {@link KeyPlaces}.
 */
public final class KeyStories {
    /** Events in one answer at most, newest first. */
    public static final int MAX_EVENTS = 50;
    /** Records read from the end of each partition a key is placed on. */
    static final int TAIL_RECORDS = 5_000;
    /** Records read in one story at most, over every topic. */
    static final int MAX_RECORDS = 60_000;
    /** How long one story may read topics. */
    static final Duration READ_BUDGET = Duration.ofSeconds(3);
    /** Stories read at once at most. */
    private static final int CONCURRENT = 2;
    /** Internal route of the state part, answered by the instance that owns the key's partition. */
    static final String STATE_PATH = "/ops/keys/state";

    private final Supplier<List<KeyPlaces>> places;
    private final Map<KeyedStore.Application, QueryRouter> routers;
    private final KeyEventReader events;
    private final ObjectMapper json;
    private final String rateLimitDomain;
    private final Executor readers;
    private final Semaphore running;

    /**
     * @param routers         each streams application's query router
     * @param rateLimitDomain the domain of a rate-limit descriptor that names none
     * @param readers         where the topics are read, off the request threads
     * @param concurrent      stories read at once at most; more are answered 503
     */
    KeyStories(Supplier<List<KeyPlaces>> places, Map<KeyedStore.Application, QueryRouter> routers, KeyEventReader events,
               ObjectMapper json, String rateLimitDomain, Executor readers, int concurrent) {
        this.places = places;
        this.routers = Map.copyOf(routers);
        this.events = events;
        this.json = json;
        this.rateLimitDomain = rateLimitDomain;
        this.readers = readers;
        this.running = new Semaphore(concurrent);
    }

    /** The key stories of this instance, reading the topics on threads of their own. */
    public static KeyStories start(SharedServices services) {
        final ExecutorService readers = Executors.newFixedThreadPool(CONCURRENT, DaemonThreads.named("key-stories"));
        services.basics().closer().add(readers::shutdownNow);
        return new KeyStories(services::keyPlaces, Map.of(KeyedStore.Application.AT_LEAST_ONCE, services.router(),
                KeyedStore.Application.EXACTLY_ONCE, services.exactlyOnceRouter()),
                new KeyEventReader(services.basics().kafka().clientConfig(), services.basics().serdes(),
                        services.json(), TAIL_RECORDS, MAX_RECORDS, READ_BUDGET, StreamsSettings.DEAD_LETTER_TOPIC),
                services.json(), services.config().rateLimit().domain(), readers, CONCURRENT);
    }

    /** The kind's canonical form of {@code key}; the 400 problem for a key it cannot be. */
    String canonical(KeyKind kind, String key) {
        return kind.canonical(key, rateLimitDomain);
    }

    /** The story of {@code key}, read for {@code caller}; fails with the 503 problem while too many are read. */
    CompletableFuture<ObjectNode> story(KeyKind kind, String key, InternalCalls.Caller caller) {
        final String canonical = canonical(kind, key);
        if (!running.tryAcquire()) {
            throw ProblemException.unavailable("other key stories are being read; retry shortly", 1);
        }
        final CompletableFuture<ObjectNode> answer;
        try {
            final CompletableFuture<KeyEventReader.Found> found = CompletableFuture.supplyAsync(
                    () -> events.read(topicsOf(kind), canonical, MAX_EVENTS), readers);
            final CompletableFuture<ArrayNode> state = state(kind, key, canonical, caller);
            answer = found.thenCombine(state, (read, states) -> {
                final ObjectNode story = json.createObjectNode();
                story.put("kind", kind.pathName());
                story.put("key", key);
                story.set("owners", owners(kind, canonical));
                story.set("events", eventsJson(read));
                story.set("state", states);
                return story;
            });
        } catch (RuntimeException e) {
            running.release();
            throw e;
        }
        return answer.whenComplete((story, error) -> running.release());
    }

    private List<KeyedTopic<?>> topicsOf(KeyKind kind) {
        return places.get().stream().flatMap(place -> place.topics().stream()).filter(topic -> topic.kind() == kind)
                .toList();
    }

    private ArrayNode owners(KeyKind kind, String key) {
        final ArrayNode owners = json.createArrayNode();
        places.get().stream().flatMap(place -> place.stores().stream()).filter(store -> store.kind() == kind)
                .forEach(store -> {
                    final ObjectNode owner = owners.addObject();
                    owner.put("application", store.application().label());
                    owner.put("store", store.store());
                    final Optional<KeyQueryMetadata> found = routers.get(store.application())
                            .ownerOf(store.store(), key);
                    if (found.isEmpty()) {
                        // being decided (a rebalance) or restoring: said as such rather than guessed
                        owner.putNull("partition");
                        owner.putNull("active");
                        owner.putArray("standbys");
                        return;
                    }
                    owner.put("partition", found.get().partition());
                    owner.put("active", url(found.get().activeHost()));
                    final ArrayNode standbys = owner.putArray("standbys");
                    found.get().standbyHosts().stream().map(KeyStories::url).sorted().forEach(standbys::add);
                });
        return owners;
    }

    private ArrayNode eventsJson(KeyEventReader.Found found) {
        final ArrayNode events = json.createArrayNode();
        for (KeyEventReader.KeyEvent event : found.events()) {
            final ObjectNode item = events.addObject();
            item.put("topic", event.topic());
            item.put("partition", event.partition());
            item.put("offset", event.offset());
            item.put("at", KeyEventReader.iso(event.timestamp()));
            item.put("type", event.type());
            item.put("outcome", event.outcome());
            item.put("summary", event.summary());
            item.set("event", event.event());
        }
        return events;
    }

    /** Each store's word on the key, asked of the instance that owns it; one that cannot answer says why. */
    private CompletableFuture<ArrayNode> state(KeyKind kind, String key, String canonical,
                                               InternalCalls.Caller caller) {
        final List<CompletableFuture<ObjectNode>> parts = new ArrayList<>();
        for (KeyedState state : statesOf(kind)) {
            final String path = STATE_PATH + "?kind=" + kind.pathName() + "&store=" + encode(state.store())
                    + "&key=" + encode(key);
            parts.add(routers.get(state.application()).read(state.store(), canonical,
                            stores -> stateJson(state.store(), state.reader().summary(stores, canonical)), path,
                            caller, this::remoteState)
                    .exceptionally(error -> stateJson(state.store(), "not readable now: "
                            + (error.getCause() == null ? error : error.getCause()).getMessage())));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            final ArrayNode states = json.createArrayNode();
            parts.stream().map(CompletableFuture::join).filter(part -> !part.path("summary").isNull())
                    .forEach(states::add);
            return states;
        });
    }

    List<KeyedState> statesOf(KeyKind kind) {
        return places.get().stream().flatMap(place -> place.states().stream()).filter(state -> state.kind() == kind)
                .toList();
    }

    /** What one state says, as the state part of a story holds it. */
    ObjectNode stateJson(String store, String summary) {
        final ObjectNode part = json.createObjectNode();
        part.put("store", store);
        part.put("summary", summary);
        return part;
    }

    private ObjectNode remoteState(HttpResponse<byte[]> response) {
        try {
            final JsonNode body = json.readTree(response.body());
            if (response.statusCode() != 200 || !body.isObject()) {
                throw new IllegalStateException("the owner answered " + response.statusCode() + ": "
                        + body.path("detail").asText(""));
            }
            return (ObjectNode) body;
        } catch (IOException e) {
            throw new IllegalStateException("the owner's answer is not JSON", e);
        }
    }

    QueryRouter router(KeyedStore.Application application) {
        return routers.get(application);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static String url(HostInfo host) {
        return "http://" + host.host() + ":" + host.port();
    }
}
