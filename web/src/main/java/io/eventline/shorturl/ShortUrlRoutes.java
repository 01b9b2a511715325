package io.eventline.shorturl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonSchema;
import io.eventline.http.JsonBodies;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.eventline.clients.EventProducer;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shortener's HTTP API: create and list links, follow them, and read their click counts. */
public final class ShortUrlRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ShortUrlRoutes.class);
    private static final Pattern CODE = Pattern.compile("[0-9A-Za-z_-]{1,32}");
    private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

    private final WriteGateway writes;
    private final QueryRouter router;
    private final EventProducer producer;
    private final SnowflakeIdGenerator ids;
    private final JsonBodies bodies;
    private final LinkRequestValidator validator;
    private final ObjectMapper json;
    private final String publicUrl;
    private final Clock clock;

    /** @param clicks the producer of clicks, which no request waits for */
    public ShortUrlRoutes(RouteServices services, EventProducer clicks, String publicUrl, LinkUrls links) {
        this.writes = services.writes();
        this.router = services.router();
        this.producer = clicks;
        this.ids = services.ids();
        this.bodies = new JsonBodies(services.json());
        this.validator = new LinkRequestValidator(links);
        this.json = services.json();
        this.publicUrl = publicUrl;
        this.clock = services.clock();
    }

    public List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.POST, "/api/v1/urls", "shorturl",
                        "Shorten a URL (201 new, 200 same link again, 409 alias taken, 202 still pending)",
                        this::create).body(ShortUrlSchemas.NEW_LINK)
                        .answers(201, "The new link", ShortUrlSchemas.LINK)
                        .answers(200, "The caller's link to the same URL", ShortUrlSchemas.LINK)
                        .mayPend(),
                ApiRoute.api(HandlerType.GET, "/api/v1/urls", "shorturl", "List the caller's links, newest first",
                        this::list).paged().answers(200, "A page of links", JsonSchema.page(ShortUrlSchemas.LINK)),
                ApiRoute.api(HandlerType.GET, "/api/v1/urls/{code}/stats", "shorturl",
                        "Click counts of a link (owner or admin)", this::stats)
                        .answers(200, "Click counts", ShortUrlSchemas.STATS),
                ApiRoute.open(HandlerType.GET, "/{code}", "shorturl", "Follow a short link (301 or 302 to the URL)",
                        this::follow).limitedPerIp()
                        .answersEmpty(301, "Moved permanently: Location is the URL")
                        .answersEmpty(302, "Found: Location is the URL"));
    }

    private void create(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final LinkRequestValidator.LinkRequest request = validator.validate(bodies.object(ctx));
        final String eventId = ids.nextIdString();
        writes.submit(ctx, ShortUrlTopics.REQUESTS, eventId, caller.userId(), ShortUrlRequested.newBuilder()
                .setEventId(eventId).setTimestamp(clock.instant()).setUserId(caller.userId())
                .setUrl(request.url()).setRedirect(request.redirect()).setCustomCode(request.customCode())
                .build());
    }

    /** The path's code: one no link can have is answered as a missing link. */
    private static String code(Context ctx) {
        final String code = ctx.pathParam("code");
        if (!CODE.matcher(code).matches()) {
            throw ProblemException.notFound("no link " + code);
        }
        return code;
    }

    private static LinkCreated link(LocalStores stores, String code) {
        return stores.<String, LinkCreated>keyValue(ShortUrlStores.LINKS).get(code);
    }

    private void follow(Context ctx) throws Exception {
        final String code = code(ctx);
        router.answer(ctx, ShortUrlStores.LINKS, code, (c, stores) -> {
            final LinkCreated link = link(stores, code);
            if (link == null) {
                throw ProblemException.notFound("no link " + code);
            }
            c.status(link.getRedirect()).header("Location", link.getUrl());
            if (link.getRedirect() == 302) {
                c.header("Cache-Control", "private, no-cache");
            }
            recordClick(c, code);
        });
    }

    /** The click is produced after the answer is decided and never delays it; a crash may lose it. */
    private void recordClick(Context ctx, String code) {
        final LinkClicked click = LinkClicked.newBuilder().setEventId(ids.nextIdString()).setTimestamp(clock.instant())
                .setCode(code).setReferrer(ctx.header("Referer")).setUserAgent(ctx.header("User-Agent")).build();
        producer.send(ShortUrlTopics.CLICKS, click).exceptionally(error -> {
            LOG.warn("A click on {} was not recorded: {}", code, error.toString());
            return null;
        });
    }

    private void list(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final int limit = JsonBodies.limit(ctx);
        final String prefix = OwnerKeys.prefix(caller.userId());
        final String from = cursorToKey(ctx.queryParam("cursor"), prefix);
        router.answer(ctx, ShortUrlStores.LINKS_BY_OWNER, caller.userId(), (c, stores) -> {
            final ReadOnlyKeyValueStore<String, LinkCreated> byOwner = stores.keyValue(ShortUrlStores.LINKS_BY_OWNER);
            final ObjectNode page = json.createObjectNode();
            final ArrayNode items = page.putArray("items");
            String lastKey = null;
            boolean more = false;
            // keys of one owner hold only ASCII digits and codes after the prefix, all below DEL
            try (KeyValueIterator<String, LinkCreated> range = byOwner.range(from, prefix + '\u007f')) {
                while (range.hasNext()) {
                    final KeyValue<String, LinkCreated> entry = range.next();
                    if (items.size() == limit) {
                        more = true;
                        break;
                    }
                    items.add(LinkJson.node(entry.value, publicUrl));
                    lastKey = entry.key;
                }
            }
            if (more) {
                page.put("nextCursor", Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(lastKey.substring(prefix.length()).getBytes(StandardCharsets.UTF_8)));
            } else {
                page.putNull("nextCursor");
            }
            c.contentType("application/json").result(page.toString());
        });
    }

    private static String cursorToKey(String cursor, String prefix) {
        if (cursor == null || cursor.isEmpty()) {
            return prefix;
        }
        try {
            final String suffix = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (suffix.matches("[0-9]{19}\u0000[0-9A-Za-z_-]{1,32}")) {
                // the smallest key after the cursor's
                return prefix + suffix + '\u0000';
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ProblemException.badRequest("cursor is not one this API returned",
                List.of(new ProblemException.FieldError("/cursor", "unknown cursor")));
    }

    private void stats(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String code = code(ctx);
        router.answer(ctx, ShortUrlStores.LINKS, code, (c, stores) -> {
            final LinkCreated link = link(stores, code);
            // someone else's link is reported as absent, so stats reveal nothing about other users' links
            if (link == null || !caller.mayRead(link.getOwnerId())) {
                throw ProblemException.notFound("no link " + code);
            }
            final Long total = stores.<String, Long>keyValue(ShortUrlStores.CLICK_TOTALS).get(code);
            final ObjectNode body = json.createObjectNode();
            body.put("code", code);
            final ObjectNode clicks = body.putObject("clicks");
            clicks.put("total", total == null ? 0 : total);
            clicks.put("lastHour", clicksSince(stores, code, Duration.ofHours(1)));
            clicks.put("last24h", clicksSince(stores, code, Duration.ofHours(24)));
            c.contentType("application/json").result(body.toString());
        });
    }

    private long clicksSince(LocalStores stores, String code, Duration span) {
        final ReadOnlyWindowStore<String, Long> perMinute = stores.window(ShortUrlStores.CLICKS_BY_MINUTE);
        final Instant now = clock.instant();
        final long currentMinute = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), MINUTE_MS);
        final Instant from = Instant.ofEpochMilli(currentMinute - span.toMillis() + MINUTE_MS);
        long sum = 0;
        try (WindowStoreIterator<Long> windows = perMinute.fetch(code, from, now)) {
            while (windows.hasNext()) {
                sum += windows.next().value;
            }
        }
        return sum;
    }
}
