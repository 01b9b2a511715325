package io.eventline.crawler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventline.auth.JwtAuth;
import io.eventline.auth.Principal;
import io.eventline.http.ApiRoute;
import io.eventline.http.JsonBodies;
import io.eventline.http.JsonSchema;
import io.eventline.http.ProblemException;
import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.WriteGateway;
import io.eventline.platform.RouteServices;
import io.eventline.query.GlobalView;
import io.eventline.query.LocalStores;
import io.eventline.query.QueryRouter;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The crawler's HTTP API: start a crawl (admin or service token), pause, resume or cancel it, watch it, and read
 * the pages it fetched. A crawl is visible to the principal that started it and to admins; to anyone else it does
 * not exist (404).
 */
final class CrawlerRoutes {
    private static final String TAG = "crawler";
    private static final String CRAWLS = "/api/v1/crawls";
    private static final Pattern CRAWL_ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

    private final WriteGateway writes;
    private final QueryRouter router;
    private final SnowflakeIdGenerator ids;
    private final JsonBodies bodies;
    private final ObjectMapper json;
    private final Clock clock;
    private final CrawlRequests requests;
    private final UrlNormalizer normalizer;
    private final GlobalView<Crawl> allCrawls;

    CrawlerRoutes(RouteServices services, CrawlRequests requests, UrlNormalizer normalizer,
                  GlobalView<Crawl> allCrawls) {
        this.writes = services.writes();
        this.router = services.router();
        this.ids = services.ids();
        this.bodies = new JsonBodies(services.json());
        this.json = services.json();
        this.clock = services.clock();
        this.requests = requests;
        this.normalizer = normalizer;
        this.allCrawls = allCrawls;
    }

    List<ApiRoute> routes() {
        return List.of(
                ApiRoute.api(HandlerType.POST, CRAWLS, TAG, "Start a crawl (admin or service token)", this::start)
                        .body(CrawlerSchemas.NEW_CRAWL)
                        .answers(201, "The crawl started: Location is its status", CrawlerSchemas.CRAWL_STATE)
                        .mayPend(),
                command("pause", CrawlCommand.PAUSE, "Pause a crawl: nothing more is fetched until it resumes"),
                command("resume", CrawlCommand.RESUME, "Resume a paused crawl"),
                command("cancel", CrawlCommand.CANCEL, "Cancel a crawl: its queued URLs are dropped"),
                ApiRoute.api(HandlerType.GET, CRAWLS, TAG, "The caller's crawls (an admin's: all), newest first",
                        this::list).paged().answers(200, "A page of crawls",
                        JsonSchema.page(CrawlerSchemas.CRAWL_SUMMARY)),
                ApiRoute.api(HandlerType.GET, CRAWLS + "/{id}", TAG,
                        "A crawl's progress: fetched, queued, failed by reason, per host, pages/s", this::status)
                        .answers(200, "The crawl", CrawlerSchemas.CRAWL),
                ApiRoute.api(HandlerType.GET, CRAWLS + "/{id}/pages", TAG,
                        "The pages a crawl fetched, or with url= the one fetched from that URL", this::pages)
                        .query("url", "One page, by the URL it was fetched from", JsonSchema.string(2048))
                        .paged().answers(200, "A page of fetched pages", JsonSchema.page(CrawlerSchemas.PAGE)));
    }

    private ApiRoute command(String verb, CrawlCommand command, String summary) {
        return ApiRoute.api(HandlerType.POST, CRAWLS + "/{id}/" + verb, TAG, summary, ctx -> {
            final Principal caller = JwtAuth.principal(ctx);
            final String crawlId = crawlId(ctx);
            final String eventId = ids.nextIdString();
            writes.submit(ctx, CrawlerTopics.COMMANDS, eventId, caller.userId(), CrawlCommanded.newBuilder()
                    .setEventId(eventId).setCrawlId(crawlId).setCommand(command).setRequestedBy(caller.userId())
                    .setAdmin(caller.isAdmin()).setAt(clock.instant()).build());
        }).answers(200, "The crawl's state now", CrawlerSchemas.CRAWL_STATE).mayPend();
    }

    private void start(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        if (!caller.isAdmin() && !caller.roles().contains(Principal.SERVICE)) {
            throw ProblemException.forbidden("starting a crawl needs an admin or service token");
        }
        final CrawlConfig config = requests.read(bodies.object(ctx));
        final String crawlId = ids.nextIdString();
        writes.submit(ctx, CrawlerTopics.COMMANDS, crawlId, caller.userId(), CrawlCommanded.newBuilder()
                .setEventId(crawlId).setCrawlId(crawlId).setCommand(CrawlCommand.START)
                .setRequestedBy(caller.userId()).setAdmin(caller.isAdmin()).setAt(clock.instant()).setConfig(config)
                .build(), CRAWLS + "/" + crawlId);
    }

    private static String crawlId(Context ctx) {
        final String id = ctx.pathParam("id");
        if (!CRAWL_ID.matcher(id).matches()) {
            throw ProblemException.notFound("no crawl " + id);
        }
        return id;
    }

    /** The crawl if {@code caller} may see it; anyone else is told there is none. */
    private static Crawl visible(LocalStores stores, String crawlId, Principal caller) {
        final Crawl crawl = stores.<String, Crawl>keyValue(CrawlerStores.CRAWLS).get(crawlId);
        if (crawl == null || !caller.mayRead(crawl.getOwnerId())) {
            throw ProblemException.notFound("no crawl " + crawlId);
        }
        return crawl;
    }

    private void status(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String crawlId = crawlId(ctx);
        router.answer(ctx, CrawlerStores.CRAWLS, crawlId, (c, stores) -> c.contentType("application/json")
                .result(CrawlJson.crawl(json, visible(stores, crawlId, caller)).toString()));
    }

    private void list(Context ctx) {
        final Principal caller = JwtAuth.principal(ctx);
        final int limit = JsonBodies.limit(ctx);
        final String after = decodeCursor(ctx.queryParam("cursor"));
        final List<Crawl> mine = allCrawls.all().stream()
                .filter(crawl -> caller.mayRead(crawl.getOwnerId()))
                .sorted(Comparator.comparing(Crawl::getStartedAt).thenComparing(Crawl::getCrawlId).reversed())
                .filter(crawl -> after == null || position(crawl).compareTo(after) < 0)
                .limit(limit + 1L).toList();
        final ObjectNode page = json.createObjectNode();
        final ArrayNode items = page.putArray("items");
        mine.stream().limit(limit).forEach(crawl -> items.add(CrawlJson.summary(json, crawl)));
        if (mine.size() > limit) {
            page.put("nextCursor", encodeCursor(position(mine.get(limit - 1))));
        } else {
            page.putNull("nextCursor");
        }
        ctx.contentType("application/json").result(page.toString());
    }

    /** A crawl's place in the newest-first list, comparable as a string. */
    private static String position(Crawl crawl) {
        return String.format("%019d", crawl.getStartedAt().toEpochMilli()) + " " + crawl.getCrawlId();
    }

    private void pages(Context ctx) throws Exception {
        final Principal caller = JwtAuth.principal(ctx);
        final String crawlId = crawlId(ctx);
        final int limit = JsonBodies.limit(ctx);
        final String url = ctx.queryParam("url");
        final String after = decodeCursor(ctx.queryParam("cursor"));
        router.answer(ctx, CrawlerStores.CRAWLS, crawlId, (c, stores) -> {
            visible(stores, crawlId, caller);
            final ReadOnlyKeyValueStore<String, PageFetched> pages = stores.keyValue(CrawlerStores.PAGES);
            final ObjectNode page = json.createObjectNode();
            final ArrayNode items = page.putArray("items");
            page.putNull("nextCursor");
            if (url != null) {
                final Checked<String> normal = normalizer.normalize(url);
                final PageFetched found = normal.passed()
                        ? pages.get(CrawlerStores.urlKey(crawlId, normal.value())) : null;
                if (found == null) {
                    throw ProblemException.notFound("crawl " + crawlId + " fetched no page from " + url);
                }
                items.add(CrawlJson.page(json, found, duplicateOf(stores, found)));
            } else {
                final String from = after == null ? CrawlerStores.crawlPrefix(crawlId)
                        : CrawlerStores.urlKey(crawlId, after) + '\u0000';
                try (KeyValueIterator<String, PageFetched> range = pages.range(from,
                        CrawlerStores.crawlEnd(crawlId))) {
                    while (range.hasNext()) {
                        final KeyValue<String, PageFetched> entry = range.next();
                        if (items.size() == limit) {
                            page.put("nextCursor", encodeCursor(items.get(limit - 1).get("url").asText()));
                            break;
                        }
                        items.add(CrawlJson.page(json, entry.value, duplicateOf(stores, entry.value)));
                    }
                }
            }
            c.contentType("application/json").result(page.toString());
        });
    }

    private static String duplicateOf(LocalStores stores, PageFetched page) {
        final String first = stores.<String, String>keyValue(CrawlerStores.CONTENT)
                .get(CrawlerStores.urlKey(page.getCrawlId(), page.getContentHash()));
        return first == null || first.equals(page.getUrl()) ? null : first;
    }

    private static String encodeCursor(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("cursor is not one this API returned",
                    List.of(new ProblemException.FieldError("/cursor", "unknown cursor")));
        }
    }
}
