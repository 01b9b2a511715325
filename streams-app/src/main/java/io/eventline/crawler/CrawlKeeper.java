package io.eventline.crawler;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The owner of the crawls of one partition: carries out their commands (only the crawl's owner or an admin may
 * command it; anyone else is told it does not exist), sends a new crawl's seeds to the frontier and every change
 * of state to {@code crawler.crawls.v1}, counts the frontier's progress, completes a crawl at its page budget and
 * keeps each fetched page's metadata.
 */
final class CrawlKeeper implements Processor<String, SpecificRecord, String, Object> {
    /** Hosts counted per crawl; more are counted in the totals only, so the record stays bounded. */
    static final int MAX_HOSTS = 1_000;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Crawl> crawls;
    private KeyValueStore<String, PageFetched> pages;
    private KeyValueStore<String, String> content;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        crawls = context.getStateStore(CrawlerStores.CRAWLS);
        pages = context.getStateStore(CrawlerStores.PAGES);
        content = context.getStateStore(CrawlerStores.CONTENT);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof CrawlCommanded command) {
            command(command, record.timestamp());
        } else if (record.value() instanceof CrawlProgressed progress) {
            progressed(progress);
        } else if (record.value() instanceof PageFetched page) {
            fetched(page);
        }
    }

    /**
     * Keeps what the pages API answers (the text is on the topic for its readers), counts pages that answered a
     * conditional request with 304, and notes repeated text.
     */
    private void fetched(PageFetched page) {
        pages.put(CrawlerStores.urlKey(page.getCrawlId(), page.getUrl()),
                PageFetched.newBuilder(page).setText("").build());
        if (page.getNotModified()) {
            final Crawl crawl = crawls.get(page.getCrawlId());
            if (crawl != null) {
                crawl.setNotModified(crawl.getNotModified() + 1);
                crawls.put(crawl.getCrawlId(), crawl);
            }
        }
        final String textKey = CrawlerStores.urlKey(page.getCrawlId(), page.getContentHash());
        final String first = content.get(textKey);
        if (first == null) {
            content.put(textKey, page.getUrl());
            return;
        }
        final Crawl crawl = crawls.get(page.getCrawlId());
        if (crawl != null && !first.equals(page.getUrl())) {
            crawl.setDuplicates(crawl.getDuplicates() + 1);
            crawls.put(crawl.getCrawlId(), crawl);
        }
    }

    private void command(CrawlCommanded command, long timestamp) {
        final Crawl crawl = crawls.get(command.getCrawlId());
        final Instant at = command.getAt();
        if (command.getCommand() == CrawlCommand.START) {
            if (crawl != null) {
                answer(command, 201, crawl, timestamp);
                return;
            }
            if (command.getConfig() == null) {
                refuse(command, 400, "invalid-request", "Invalid request", "a start needs the crawl", timestamp);
                return;
            }
            final Crawl started = Crawl.newBuilder().setCrawlId(command.getCrawlId())
                    .setOwnerId(command.getRequestedBy()).setState(CrawlState.RUNNING).setConfig(command.getConfig())
                    .setStartedAt(at).setUpdatedAt(at).build();
            crawls.put(started.getCrawlId(), started);
            context.forward(new Record<>(started.getCrawlId(), started, timestamp));
            seeds(started, timestamp);
            answer(command, 201, started, timestamp);
            return;
        }
        if (crawl == null || !(crawl.getOwnerId().equals(command.getRequestedBy()) || command.getAdmin())) {
            refuse(command, 404, "not-found", "Not found", "no crawl " + command.getCrawlId(), timestamp);
            return;
        }
        final CrawlState next = next(crawl.getState(), command.getCommand());
        if (next == null) {
            refuse(command, 409, "crawl-state", "Conflict", "a " + crawl.getState().name().toLowerCase(
                    java.util.Locale.ROOT) + " crawl cannot be " + verb(command.getCommand()), timestamp);
            return;
        }
        if (next != crawl.getState()) {
            crawl.setState(next);
            crawl.setUpdatedAt(at);
            crawls.put(crawl.getCrawlId(), crawl);
            context.forward(new Record<>(crawl.getCrawlId(), crawl, timestamp));
        }
        answer(command, 200, crawl, timestamp);
    }

    /** The state {@code command} leads to from {@code state}, or null when it cannot be done there. */
    static CrawlState next(CrawlState state, CrawlCommand command) {
        return switch (command) {
            case PAUSE -> state == CrawlState.RUNNING || state == CrawlState.PAUSED ? CrawlState.PAUSED : null;
            case RESUME -> state == CrawlState.RUNNING || state == CrawlState.PAUSED ? CrawlState.RUNNING : null;
            case CANCEL -> state == CrawlState.COMPLETED ? null : CrawlState.CANCELLED;
            case START -> null;
        };
    }

    private static String verb(CrawlCommand command) {
        return switch (command) {
            case PAUSE -> "paused";
            case RESUME -> "resumed";
            case CANCEL -> "cancelled";
            case START -> "started";
        };
    }

    /** The seeds, one batch per politeness key, to the keys' owners. */
    private void seeds(Crawl crawl, long timestamp) {
        final Map<String, List<String>> byKey = new LinkedHashMap<>();
        for (CrawlSeed seed : crawl.getConfig().getSeeds()) {
            byKey.computeIfAbsent(seed.getPolitenessKey(), key -> new java.util.ArrayList<>()).add(seed.getUrl());
        }
        byKey.forEach((key, urls) -> context.forward(new Record<>(key, UrlsDiscovered.newBuilder()
                .setCrawlId(crawl.getCrawlId()).setPolitenessKey(key).setDepth(0).setUrls(urls)
                .setAt(crawl.getStartedAt()).build(), timestamp)));
    }

    private void progressed(CrawlProgressed progress) {
        final Crawl crawl = crawls.get(progress.getCrawlId());
        if (crawl == null) {
            return;
        }
        crawl.setQueued(Math.max(0, crawl.getQueued() + progress.getQueued()));
        crawl.setReleasedAgain(crawl.getReleasedAgain() + progress.getReleasedAgain());
        if (progress.getFetched() > 0) {
            crawl.setFetched(crawl.getFetched() + progress.getFetched());
            if (crawl.getFirstFetchAt() == null) {
                crawl.setFirstFetchAt(progress.getAt());
            }
            crawl.setLastFetchAt(progress.getAt());
        }
        if (progress.getFailure() != null) {
            final Map<String, Long> failures = new HashMap<>(crawl.getFailures());
            failures.merge(progress.getFailure(), (long) progress.getFailures(), Long::sum);
            crawl.setFailures(failures);
        }
        if (progress.getHost() != null && (progress.getFetched() > 0 || progress.getDelayMs() != null)) {
            final Map<String, HostProgress> hosts = new HashMap<>(crawl.getHosts());
            final HostProgress host = hosts.get(progress.getHost());
            if (host != null || hosts.size() < MAX_HOSTS) {
                final long delay = progress.getDelayMs() != null ? progress.getDelayMs()
                        : host == null ? 0 : host.getDelayMs();
                hosts.put(progress.getHost(), new HostProgress((host == null ? 0 : host.getFetched())
                        + progress.getFetched(), delay));
                crawl.setHosts(hosts);
            }
        }
        final boolean live = crawl.getState() == CrawlState.RUNNING || crawl.getState() == CrawlState.PAUSED;
        if (live && crawl.getFetched() >= crawl.getConfig().getMaxPages()) {
            crawl.setState(CrawlState.COMPLETED);
            crawl.setUpdatedAt(progress.getAt());
            context.forward(new Record<>(crawl.getCrawlId(), crawl, progress.getAt().toEpochMilli()));
        }
        crawls.put(crawl.getCrawlId(), crawl);
    }

    private void answer(CrawlCommanded command, int status, Crawl crawl, long timestamp) {
        final String json = "{\"crawlId\":\"" + crawl.getCrawlId() + "\",\"state\":\"" + crawl.getState() + "\"}";
        final OperationOutcome outcome = Outcomes.accepted(command.getEventId(), command.getRequestedBy(), status,
                json, Instant.ofEpochMilli(timestamp));
        context.forward(new Record<>(command.getEventId(), outcome, timestamp));
    }

    private void refuse(CrawlCommanded command, int status, String slug, String title, String detail,
                        long timestamp) {
        final OperationOutcome outcome = Outcomes.rejected(command.getEventId(), command.getRequestedBy(), status,
                slug, title, detail, Instant.ofEpochMilli(timestamp));
        context.forward(new Record<>(command.getEventId(), outcome, timestamp));
    }
}
