package io.eventline.crawler;

import static io.eventline.http.JsonSchema.arrayOf;
import static io.eventline.http.JsonSchema.bool;
import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.mapOf;
import static io.eventline.http.JsonSchema.number;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.oneOf;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** The crawler's request and response bodies, as its routes declare them. */
final class CrawlerSchemas {
    static final JsonSchema NEW_CRAWL = object()
            .required("seeds", arrayOf(formatted("uri")).maxItems(CrawlRequests.MAX_SEEDS)
                    .describedAs("Absolute http(s) URLs within the scope"))
            .required("scope", object().optional("hosts", arrayOf(string(253)))
                    .optional("domains", arrayOf(string(253)))
                    .describedAs("Either hosts (exactly) or domains (and every host below them)"))
            .optional("maxPages", integer(1, CrawlRequests.MAX_PAGES).describedAs("Pages fetched at most (1000)"))
            .optional("maxDepth", integer(0, 20).describedAs("Links followed from a seed at most (5)"))
            .optional("delayMs", integer(0, CrawlRequests.MAX_DELAY_MS)
                    .describedAs("Least gap between two requests to one host or address (1000)"))
            .optional("userAgent", string(CrawlRequests.MAX_USER_AGENT_CHARS));

    static final JsonSchema STATE = oneOf("RUNNING", "PAUSED", "CANCELLED", "COMPLETED");

    static final JsonSchema CRAWL_STATE = object().required("crawlId", string()).required("state", STATE);

    static final JsonSchema CRAWL = object().required("crawlId", string()).required("state", STATE)
            .required("ownerId", string()).required("seeds", arrayOf(string()))
            .required("scope", object().required("hosts", arrayOf(string())).required("domains", arrayOf(string())))
            .required("maxPages", integer()).required("maxDepth", integer()).required("delayMs", integer())
            .required("fetched", integer()).required("queued", integer())
            .required("duplicates", integer().describedAs("Pages whose text was fetched before under another URL"))
            .required("notModified", integer().describedAs("Pages fetched again that answered 304 Not Modified"
                    + " to a conditional request (counted in fetched too)"))
            .required("releasedAgain", integer().describedAs("Requests released again because their report never"
                    + " came (a restart, a kill): these were fetched twice at most"))
            .required("failed", mapOf(integer()).describedAs("URLs failed or refused, by reason code"))
            .required("hosts", arrayOf(object().required("host", string()).required("fetched", integer())
                    .required("delayMs", integer())))
            .required("pagesPerSecond", number()).required("startedAt", formatted("date-time"))
            .required("updatedAt", formatted("date-time"));

    static final JsonSchema CRAWL_SUMMARY = object().required("crawlId", string()).required("state", STATE)
            .required("ownerId", string()).required("startedAt", formatted("date-time"));

    static final JsonSchema PAGE = object().required("url", string()).required("finalUrl", string())
            .required("status", integer()).required("title", string()).required("outlinks", arrayOf(string()))
            .required("contentHash", string()).required("fetchedAt", formatted("date-time"))
            .required("depth", integer()).required("noindex", bool())
            .required("notModified", bool().describedAs("The page answered 304 Not Modified: status is 304, and"
                    + " title, outlinks and content hash are those of its last whole fetch"))
            .required("duplicateOf", string().nullable().describedAs("The URL first fetched with the same visible"
                    + " text, when it is another"));

    private CrawlerSchemas() {
    }
}
