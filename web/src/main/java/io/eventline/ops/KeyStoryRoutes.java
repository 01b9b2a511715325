package io.eventline.ops;

import io.eventline.auth.InternalCalls;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.ProblemException;
import io.eventline.query.InstanceClient;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.List;

/**
 * {@code GET /api/v1/admin/keys/{kind}/{key}} (admin): one key's owners, recent events and state
 * ({@link KeyStories}); and the internal route where the owner of a key's partition tells its state.
 */
public final class KeyStoryRoutes {
    public static final String PATH = "/api/v1/admin/keys";
    private static final String TAG = "ops";
    private static final JsonSchema KINDS = JsonSchema.oneOf("user", "shorturl", "channel", "ratelimit");
    private static final JsonSchema APPLICATIONS = JsonSchema.oneOf(KeyedStore.Application.AT_LEAST_ONCE.label(),
            KeyedStore.Application.EXACTLY_ONCE.label());
    private static final JsonSchema STATE = JsonSchema.object().required("store", JsonSchema.string())
            .required("summary", JsonSchema.string());
    static final JsonSchema STORY = JsonSchema.object()
            .required("kind", KINDS)
            .required("key", JsonSchema.string())
            .required("owners", JsonSchema.arrayOf(JsonSchema.object()
                    .required("application", APPLICATIONS)
                    .required("store", JsonSchema.string())
                    .required("partition", JsonSchema.integer().nullable()
                            .describedAs("null while the owner is being decided (rebalance, restore)"))
                    .required("active", JsonSchema.string().nullable().describedAs("The active instance's URL"))
                    .required("standbys", JsonSchema.arrayOf(JsonSchema.string()))))
            .required("events", JsonSchema.arrayOf(JsonSchema.object()
                    .required("topic", JsonSchema.string())
                    .required("partition", JsonSchema.integer())
                    .required("offset", JsonSchema.integer())
                    .required("at", JsonSchema.formatted("date-time"))
                    .required("type", JsonSchema.string().describedAs("The event's Avro record name"))
                    .required("outcome", JsonSchema.string())
                    .required("summary", JsonSchema.string())
                    .required("event", JsonSchema.any())).maxItems(KeyStories.MAX_EVENTS)
                    .describedAs("Newest first"))
            .required("state", JsonSchema.arrayOf(STATE));

    private final KeyStories stories;
    private final InstanceClient instances;

    public KeyStoryRoutes(KeyStories stories, InstanceClient instances) {
        this.stories = stories;
        this.instances = instances;
    }

    public List<ApiRoute> routes() {
        return List.of(ApiRoute.api(HandlerType.GET, PATH + "/{kind}/{key}", TAG,
                        "One key's story (admin): the partition and instances (active, standbys) that own it in each "
                                + "store, its recent events across topics with their outcomes (newest first, at most "
                                + KeyStories.MAX_EVENTS + "), and where it stands now. Kinds: user (a user ID), "
                                + "shorturl (a short code), channel (a chat channel ID), ratelimit (a descriptor, "
                                + "[domain:]key=value,key=value; the instance's limiting domain when none is named); "
                                + "404 for another kind, 400 for a key over " + KeyKind.MAX_KEY_LENGTH
                                + " characters or with control characters",
                        this::story)
                .answers(200, "The key's owners, recent events and state", STORY));
    }

    /** The owner's side of the state part; called by other instances only. */
    public List<ApiRoute> internalRoutes() {
        return List.of(ApiRoute.api(HandlerType.GET, InternalCalls.PREFIX + KeyStories.STATE_PATH, TAG,
                "Where a key stands in one store of this instance (internal)", this::state));
    }

    private void story(Context ctx) {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final KeyKind kind = kindOf(ctx.pathParam("kind"));
        final String key = ctx.pathParam("key");
        final InternalCalls.Caller caller = instances.callerOf(ctx);
        stories.canonical(kind, key);
        ctx.future(() -> stories.story(kind, key, caller)
                .thenAccept(story -> ctx.contentType("application/json").result(story.toString())));
    }

    private void state(Context ctx) throws Exception {
        JwtAuth.requireRole(ctx, Principal.ADMIN);
        final KeyKind kind = kindOf(String.valueOf(ctx.queryParam("kind")));
        final String key = String.valueOf(ctx.queryParam("key"));
        final String store = ctx.queryParam("store");
        final String canonical = stories.canonical(kind, key);
        final KeyedState state = stories.statesOf(kind).stream().filter(s -> s.store().equals(store)).findFirst()
                .orElseThrow(() -> ProblemException.notFound("no state of " + kind.pathName() + " keys in " + store));
        stories.router(state.application()).answer(ctx, state.store(), canonical, (c, stores) ->
                c.contentType("application/json").result(stories.stateJson(state.store(),
                        state.reader().summary(stores, canonical)).toString()));
    }

    private static KeyKind kindOf(String name) {
        return KeyKind.named(name).orElseThrow(() -> ProblemException.notFound("no key kind '" + name
                + "'; kinds are user, shorturl, channel and ratelimit"));
    }
}
