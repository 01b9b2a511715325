package io.eventline.crawler;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The owner of the politeness keys of one partition: queues their discovered URLs (shallower first, then in
 * discovery order, capped), de-duplicates them per crawl, keeps each key's next allowed fetch time, its hosts'
 * robots.txt and its back-off, and, as the queue selector, releases each due key's next URL to the fetch workers
 * on a wall-clock punctuation. One request per key is in flight at a time, recorded in the store before it is
 * handed over, so a restarted task releases it again. It also keeps, across crawls, the validators of its pages'
 * last whole fetches ({@link RefetchValidators}), which make a page's later requests conditional. What it does for
 * each crawl goes out as progress, keyed by crawl.
 */
final class FrontierKeeper implements Processor<String, SpecificRecord, String, CrawlProgressed> {
    /** Most queue entries looked at for one release, past paused crawls' ones. */
    private static final int MAX_SCAN = 1_000;
    /** How soon a key whose queue holds only paused or unknown crawls' URLs is looked at again. */
    private static final long IDLE_RECHECK_MS = 1_000;
    private static final long MIN_BACKOFF_MS = 1_000;
    private static final int MAX_RULES_CACHED = 10_000;
    /**
     * How long a crawl read from the global table is used before it is read again: every release and every batch
     * of links needs it, and each read deserialises the whole crawl (seeds, per-host counts); a pause or a cancel
     * is seen this much later at most.
     */
    static final long CRAWL_READ_TTL_MS = 250;
    /**
     * How long a started task waits before it releases again the requests its store shows in flight: their reports
     * may already be on {@code crawler.fetches.v1}, written before the instance died, and are processed first. Only
     * those never reported (the workers were still fetching them, or their producer lost them) are fetched again.
     */
    static final long REPORTS_GRACE_MS = 3_000;
    private static final int MAX_CRAWLS_READ = 1_000;
    /** Crawls and (crawl, host) pairs one key's state counts at most, so the record stays bounded. */
    static final int MAX_CRAWLS_PER_KEY = 1_000;
    static final int MAX_HOSTS_PER_KEY = 10_000;

    private final FrontierSettings settings;
    private final FetchDispatch workers;
    private final TrapGuard traps;
    private final DueKeys due = new DueKeys();
    private final Map<String, SeenFilter> seenFilters = new HashMap<>();
    /** Keys with a request in flight, whose requests are abandoned when the task closes. */
    private final Set<String> inFlightKeys = new HashSet<>();
    /** A crawl as last read from the global table, and when. */
    private record CrawlRead(Crawl crawl, long at) {
    }

    private final Map<String, CrawlRead> crawlReads = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CrawlRead> eldest) {
            return size() > MAX_CRAWLS_READ;
        }
    };
    private final Map<String, RobotsRules> rules = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RobotsRules> eldest) {
            return size() > MAX_RULES_CACHED;
        }
    };

    private ProcessorContext<String, CrawlProgressed> context;
    private long startedAt;
    private KeyValueStore<String, FrontierKey> keys;
    private KeyValueStore<String, QueuedUrl> queue;
    private KeyValueStore<String, Long> seen;
    private KeyValueStore<String, RobotsFetched> robots;
    private KeyValueStore<String, ValueAndTimestamp<Crawl>> crawls;
    private RefetchValidators refetch;

    FrontierKeeper(FrontierSettings settings, FetchDispatch workers) {
        this.settings = settings;
        this.workers = workers;
        this.traps = new TrapGuard(settings.parts());
    }

    @Override
    public void init(ProcessorContext<String, CrawlProgressed> context) {
        this.context = context;
        keys = context.getStateStore(CrawlerStores.FRONTIER);
        queue = context.getStateStore(CrawlerStores.QUEUE);
        seen = context.getStateStore(CrawlerStores.SEEN);
        robots = context.getStateStore(CrawlerStores.ROBOTS);
        crawls = context.getStateStore(CrawlerStores.CRAWLS_GLOBAL);
        refetch = new RefetchValidators(settings.refetch(), context.getStateStore(CrawlerStores.VALIDATORS));
        final long now = context.currentSystemTimeMs();
        startedAt = now;
        // requests in flight when the task stopped are released again, once their reports had time to arrive and as
        // soon as their key's delay allows
        try (KeyValueIterator<String, FrontierKey> all = keys.all()) {
            while (all.hasNext()) {
                final KeyValue<String, FrontierKey> entry = all.next();
                if (entry.value.getInFlight() != null) {
                    inFlightKeys.add(entry.key);
                    due.schedule(entry.key, Math.max(now + REPORTS_GRACE_MS, entry.value.getNextFetchAt()));
                } else if (entry.value.getQueuedEntries() > 0) {
                    due.schedule(entry.key, Math.max(now, entry.value.getNextFetchAt()));
                }
            }
        }
        context.schedule(settings.selectorInterval(), PunctuationType.WALL_CLOCK_TIME, this::select);
        context.schedule(settings.refetch().sweepInterval(), PunctuationType.WALL_CLOCK_TIME, refetch::sweep);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        final long now = context.currentSystemTimeMs();
        if (record.value() instanceof UrlsDiscovered discovered) {
            enqueue(record.key(), discovered, now);
        } else if (record.value() instanceof FetchReported report) {
            reported(record.key(), report, now);
        }
    }

    /**
     * The task closes, on a rebalance or a shutdown: its requests still running are aborted, unreported, before
     * the keys go to their next owner, which releases them again no sooner than their delay after this release.
     * Without it the next owner could send a second request to a host while the first still runs.
     */
    @Override
    public void close() {
        workers.abandon(inFlightKeys);
        inFlightKeys.clear();
    }

    /** The queue selector: releases the due keys' next requests while workers are free. */
    private void select(long now) {
        String key;
        while ((key = due.pollDue(now)) != null) {
            if (!release(key, now)) {
                due.schedule(key, now);
                return;
            }
        }
    }

    // ---- discovered URLs ----

    private void enqueue(String key, UrlsDiscovered discovered, long now) {
        final String crawlId = discovered.getCrawlId();
        final Crawl crawl = crawl(crawlId);
        if (crawl != null && ended(crawl)) {
            return;
        }
        final FrontierKey state = stateOf(key);
        if (!state.getCrawlDelays().containsKey(crawlId) && state.getCrawlDelays().size() >= MAX_CRAWLS_PER_KEY) {
            progress(crawlId, null, 0, 0, "too-many-crawls", discovered.getUrls().size(), null, now);
            return;
        }
        final SeenFilter filter = seenFilter(crawlId);
        final Map<String, Integer> hostPages = new HashMap<>(state.getHostPages());
        final Map<String, Integer> refused = new HashMap<>();
        int accepted = 0;
        for (String url : discovered.getUrls()) {
            if (!filter.firstSeen(url)) {
                continue;
            }
            final String hostKey = crawlId + " " + CrawlScope.hostOf(url);
            final String refusal = !hostPages.containsKey(hostKey) && hostPages.size() >= MAX_HOSTS_PER_KEY
                    ? "too-many-hosts"
                    : refusal(url, discovered.getDepth(), crawl, state, hostPages.getOrDefault(hostKey, 0));
            if (refusal != null) {
                refused.merge(refusal, 1, Integer::sum);
                continue;
            }
            final String host = CrawlScope.hostOf(url);
            final QueuedUrl entry = QueuedUrl.newBuilder().setCrawlId(crawlId).setUrl(url).setHost(host)
                    .setDepth(discovered.getDepth()).setAttempt(0).build();
            push(key, state, entry);
            hostPages.merge(hostKey, 1, Integer::sum);
            accepted++;
        }
        state.setHostPages(hostPages);
        final Map<String, Long> delays = new HashMap<>(state.getCrawlDelays());
        // an unknown crawl (its state not here yet) holds its place; its delay is set at its first release
        delays.put(crawlId, crawl == null ? delays.getOrDefault(crawlId, 0L) : crawl.getConfig().getDelayMs());
        state.setCrawlDelays(delays);
        keys.put(key, state);
        if (accepted > 0 && state.getInFlight() == null) {
            due.scheduleBy(key, Math.max(now, state.getNextFetchAt()));
        }
        if (accepted > 0) {
            progress(crawlId, null, accepted, 0, null, 0, null, now);
        }
        refused.forEach((reason, count) -> progress(crawlId, null, 0, 0, reason, count, null, now));
    }

    /** Why {@code url} is not queued, or null when it is. */
    private String refusal(String url, int depth, Crawl crawl, FrontierKey state, int takenFromHost) {
        final Checked<String> trap = traps.check(url, depth);
        if (!trap.passed()) {
            return trap.reason();
        }
        if (crawl != null && depth > crawl.getConfig().getMaxDepth()) {
            return TrapGuard.TOO_DEEP;
        }
        final int hostBudget = crawl == null ? settings.maxPagesPerHost()
                : Math.min(settings.maxPagesPerHost(), crawl.getConfig().getMaxPages());
        if (takenFromHost >= hostBudget) {
            return "host-budget";
        }
        if (state.getQueuedEntries() >= settings.maxQueueEntries()
                || state.getQueuedBytes() + url.length() > settings.maxQueueBytes()) {
            return "queue-full";
        }
        return null;
    }

    private void push(String key, FrontierKey state, QueuedUrl entry) {
        final long sequence = state.getSequence();
        state.setSequence(sequence + 1);
        queue.put(CrawlerStores.queueKey(key, entry.getDepth(), sequence), entry);
        state.setQueuedEntries(state.getQueuedEntries() + 1);
        state.setQueuedBytes(state.getQueuedBytes() + entry.getUrl().length());
    }

    private void pop(String queueKey, FrontierKey state, QueuedUrl entry) {
        queue.delete(queueKey);
        state.setQueuedEntries(Math.max(0, state.getQueuedEntries() - 1));
        state.setQueuedBytes(Math.max(0, state.getQueuedBytes() - entry.getUrl().length()));
    }

    private SeenFilter seenFilter(String crawlId) {
        return seenFilters.computeIfAbsent(crawlId, id -> {
            final SeenFilter filter = SeenFilter.exact(settings.parts(), new SeenFilter.Store() {
                @Override
                public boolean contains(String url) {
                    return seen.get(CrawlerStores.urlKey(id, url)) != null;
                }

                @Override
                public void add(String url) {
                    seen.put(CrawlerStores.urlKey(id, url), context.currentSystemTimeMs());
                }
            });
            // after a restart the filter learns again what the store holds
            final String prefix = CrawlerStores.crawlPrefix(id);
            try (KeyValueIterator<String, Long> known = seen.range(prefix, CrawlerStores.crawlEnd(id))) {
                known.forEachRemaining(entry -> filter.remember(entry.key.substring(prefix.length())));
            }
            return filter;
        });
    }

    // ---- releasing ----

    /** Releases {@code key}'s next request if it is due; false when no worker was free. */
    private boolean release(String key, long now) {
        final FrontierKey state = keys.get(key);
        if (state == null) {
            return true;
        }
        if (now < state.getNextFetchAt()) {
            due.schedule(key, state.getNextFetchAt());
            return true;
        }
        if (state.getInFlight() != null) {
            if (now < startedAt + REPORTS_GRACE_MS) {
                due.schedule(key, startedAt + REPORTS_GRACE_MS);
                return true;
            }
            return releaseAgain(key, state, now);
        }
        int scanned = 0;
        long recheckAt = now + IDLE_RECHECK_MS;
        try (KeyValueIterator<String, QueuedUrl> entries = queue.range(CrawlerStores.queueStart(key),
                CrawlerStores.queueEnd(key))) {
            while (entries.hasNext() && scanned++ < MAX_SCAN) {
                final KeyValue<String, QueuedUrl> next = entries.next();
                final QueuedUrl entry = next.value;
                final Crawl crawl = crawl(entry.getCrawlId());
                if (crawl == null || crawl.getState() == CrawlState.PAUSED) {
                    continue;
                }
                if (ended(crawl)) {
                    pop(next.key, state, entry);
                    progress(entry.getCrawlId(), entry.getHost(), -1, 0, null, 0, null, now);
                    continue;
                }
                final RobotsFetched file = robots.get(entry.getHost());
                if (file == null || robotsExpired(file, now)) {
                    return handOver(key, state, new FetchJob(key, entry, true, crawl.getConfig()), now);
                }
                if (file.getStatus() == RobotsFile.BLOCKED) {
                    pop(next.key, state, entry);
                    progress(entry.getCrawlId(), entry.getHost(), -1, 0, FetchFailure.BLOCKED_ADDRESS.reason(), 1,
                            null, now);
                    continue;
                }
                final RobotsRules hostRules = rulesOf(entry.getHost(), file, crawl.getConfig().getUserAgent());
                if (hostRules.retryLater()) {
                    recheckAt = Math.min(recheckAt, file.getFetchedAt().toEpochMilli()
                            + settings.robotsRetry().toMillis());
                    continue;
                }
                if (!hostRules.allowed(entry.getUrl())) {
                    pop(next.key, state, entry);
                    progress(entry.getCrawlId(), entry.getHost(), -1, 0, "robots-disallowed", 1, null, now);
                    continue;
                }
                if (!handOver(key, state, new FetchJob(key, entry, false, crawl.getConfig(),
                        refetch.forRequest(entry.getUrl(), now)), now)) {
                    keys.put(key, state);
                    return false;
                }
                pop(next.key, state, entry);
                keys.put(key, state);
                progress(entry.getCrawlId(), entry.getHost(), -1, 0, null, 0, delayOf(state, entry.getHost()), now);
                return true;
            }
        }
        keys.put(key, state);
        if (state.getQueuedEntries() > 0) {
            due.schedule(key, recheckAt);
        }
        return true;
    }

    /** A request released before and never reported (a restart, a lost report) goes to the workers again. */
    private boolean releaseAgain(String key, FrontierKey state, long now) {
        final InFlight inFlight = state.getInFlight();
        final Crawl crawl = crawl(inFlight.getEntry().getCrawlId());
        if (crawl == null || ended(crawl)) {
            state.setInFlight(null);
            inFlightKeys.remove(key);
            keys.put(key, state);
            due.schedule(key, now);
            return true;
        }
        final PageValidators previous = inFlight.getRobots() ? null
                : refetch.forRequest(inFlight.getEntry().getUrl(), now);
        if (!handOver(key, state, new FetchJob(key, inFlight.getEntry(), inFlight.getRobots(), crawl.getConfig(),
                previous), now)) {
            return false;
        }
        context.forward(new Record<>(crawl.getCrawlId(), CrawlProgressed.newBuilder().setCrawlId(crawl.getCrawlId())
                .setHost(inFlight.getEntry().getHost()).setReleasedAgain(1).setAt(Instant.ofEpochMilli(now)).build(),
                now));
        return true;
    }

    /** Records the request as in flight, then hands it to a worker; false, with nothing changed, when none is free. */
    private boolean handOver(String key, FrontierKey state, FetchJob job, long now) {
        final InFlight before = state.getInFlight();
        final long nextBefore = state.getNextFetchAt();
        final Map<String, Long> delays = new HashMap<>(state.getCrawlDelays());
        delays.put(job.entry().getCrawlId(), job.config().getDelayMs());
        state.setCrawlDelays(delays);
        state.setInFlight(InFlight.newBuilder().setEntry(job.entry()).setRobots(job.robots()).setReleasedAt(now)
                .build());
        state.setNextFetchAt(now + delayOf(state, job.entry().getHost()));
        keys.put(key, state);
        if (!workers.offer(job)) {
            state.setInFlight(before);
            state.setNextFetchAt(nextBefore);
            keys.put(key, state);
            return false;
        }
        inFlightKeys.add(key);
        due.schedule(key, now + settings.inFlightTimeout().toMillis());
        return true;
    }

    // ---- reports ----

    private void reported(String key, FetchReported report, long now) {
        final FrontierKey state = stateOf(key);
        if (report.getRobots() != null) {
            robots.put(report.getHost(), report.getRobots());
            rules.keySet().removeIf(cached -> cached.startsWith(report.getHost() + " "));
        }
        refetch.reported(report);
        final long delay = delayOf(state, report.getHost());
        // counted from the end of the response, which the server has certainly seen: the gap it observes between
        // two requests is then never below the delay, whatever the connection took
        long next = report.getFinishedAt().toEpochMilli() + delay;
        final boolean slowDown = slowDown(report);
        if (slowDown) {
            final long backoff = backoffOf(report, state);
            state.setBackoffMs(backoff);
            next = Math.max(next, report.getFinishedAt().toEpochMilli() + backoff);
        } else {
            state.setBackoffMs(0L);
        }
        state.setNextFetchAt(Math.max(state.getNextFetchAt(), next));
        final InFlight inFlight = state.getInFlight();
        if (inFlight != null && answers(inFlight, report)) {
            state.setInFlight(null);
            inFlightKeys.remove(key);
            if (!inFlight.getRobots()) {
                counted(key, state, inFlight.getEntry(), report, slowDown, now);
            }
        }
        keys.put(key, state);
        if (state.getInFlight() == null && state.getQueuedEntries() > 0) {
            due.schedule(key, state.getNextFetchAt());
        }
    }

    private static boolean answers(InFlight inFlight, FetchReported report) {
        final QueuedUrl entry = inFlight.getEntry();
        return entry.getCrawlId().equals(report.getCrawlId()) && inFlight.getRobots() == (report.getRobots() != null)
                && (inFlight.getRobots() ? entry.getHost().equals(report.getHost())
                : entry.getUrl().equals(report.getUrl()));
    }

    private void counted(String key, FrontierKey state, QueuedUrl entry, FetchReported report, boolean retryable,
                         long now) {
        final boolean timedOut = "timeout".equals(report.getFailure());
        if ((retryable || timedOut) && entry.getAttempt() + 1 < settings.maxAttempts()) {
            final QueuedUrl again = QueuedUrl.newBuilder(entry).setAttempt(entry.getAttempt() + 1).build();
            push(key, state, again);
            progress(entry.getCrawlId(), entry.getHost(), 1, 0, null, 0, null, now);
            return;
        }
        if (FetchWork.REDIRECTED.equals(report.getFailure())) {
            // not a page: its target was sent to the frontier and is counted when it is fetched
            return;
        }
        final long delay = delayOf(state, entry.getHost());
        if (report.getFailure() == null && (report.getStatus() >= 200 && report.getStatus() < 300
                || report.getStatus() == 304)) {
            progress(entry.getCrawlId(), entry.getHost(), 0, 1, null, 0, delay, now);
        } else {
            final String reason = report.getFailure() != null ? report.getFailure() : "http-" + report.getStatus();
            progress(entry.getCrawlId(), entry.getHost(), 0, 0, reason, 1, delay, now);
        }
    }

    private static boolean slowDown(FetchReported report) {
        return report.getStatus() == 429 || report.getStatus() >= 500;
    }

    private long backoffOf(FetchReported report, FrontierKey state) {
        final long asked = report.getRetryAfterMs() != null ? report.getRetryAfterMs()
                : Math.max(MIN_BACKOFF_MS, state.getBackoffMs() * 2);
        return Math.min(asked, settings.maxBackoff().toMillis());
    }

    // ---- state ----

    /** The gap the key keeps now: the largest delay of the live crawls that want it, or the host's Crawl-delay. */
    private long delayOf(FrontierKey state, String host) {
        long delay = 0;
        final Map<String, Long> delays = new HashMap<>(state.getCrawlDelays());
        for (Map.Entry<String, Long> wanted : state.getCrawlDelays().entrySet()) {
            final Crawl crawl = crawl(wanted.getKey());
            if (crawl != null && ended(crawl)) {
                delays.remove(wanted.getKey());
            } else {
                delay = Math.max(delay, wanted.getValue());
            }
        }
        if (delays.size() != state.getCrawlDelays().size()) {
            state.setCrawlDelays(delays);
            // what ended crawls took from each host no longer counts
            final Map<String, Integer> hostPages = new HashMap<>(state.getHostPages());
            hostPages.keySet().removeIf(crawlAndHost -> !delays.containsKey(
                    crawlAndHost.substring(0, crawlAndHost.indexOf(' '))));
            state.setHostPages(hostPages);
        }
        final RobotsFetched file = host == null ? null : robots.get(host);
        if (file != null) {
            delay = Math.max(delay, rulesOf(host, file, null).crawlDelay().toMillis());
        }
        return delay;
    }

    /** The host's rules for a crawl's own user agent, or for the instance's when it is null. */
    private RobotsRules rulesOf(String host, RobotsFetched file, String userAgent) {
        return rules.computeIfAbsent(host + " " + (userAgent == null ? "" : userAgent), cached -> {
            final CrawlerSettings parts = userAgent == null ? settings.parts()
                    : settings.parts().toBuilder().userAgent(userAgent).build();
            return new RobotsFile(file.getUrl(), file.getStatus(), file.getBody() == null ? null : bytes(file))
                    .rules(parts);
        });
    }

    private static byte[] bytes(RobotsFetched file) {
        final java.nio.ByteBuffer body = file.getBody().duplicate();
        final byte[] copy = new byte[body.remaining()];
        body.get(copy);
        return copy;
    }

    private boolean robotsExpired(RobotsFetched file, long now) {
        final long age = now - file.getFetchedAt().toEpochMilli();
        return age >= settings.robotsMaxAge().toMillis()
                || (file.getStatus() == RobotsFile.UNREACHABLE || file.getStatus() == RobotsFile.BLOCKED)
                && age >= settings.robotsRetry().toMillis();
    }

    private FrontierKey stateOf(String key) {
        final FrontierKey state = keys.get(key);
        return state != null ? state : FrontierKey.newBuilder().build();
    }

    private Crawl crawl(String crawlId) {
        final long now = context.currentSystemTimeMs();
        final CrawlRead read = crawlReads.get(crawlId);
        if (read != null && now - read.at() < CRAWL_READ_TTL_MS) {
            return read.crawl();
        }
        final ValueAndTimestamp<Crawl> crawl = crawls.get(crawlId);
        final Crawl value = crawl == null ? null : crawl.value();
        crawlReads.put(crawlId, new CrawlRead(value, now));
        return value;
    }

    private static boolean ended(Crawl crawl) {
        return crawl.getState() == CrawlState.CANCELLED || crawl.getState() == CrawlState.COMPLETED;
    }

    private void progress(String crawlId, String host, int queued, int fetched, String failure, int failures,
                          Long delayMs, long now) {
        final CrawlProgressed progress = CrawlProgressed.newBuilder().setCrawlId(crawlId).setHost(host)
                .setQueued(queued).setFetched(fetched).setFailure(failure).setFailures(failures).setDelayMs(delayMs)
                .setAt(Instant.ofEpochMilli(now)).build();
        context.forward(new Record<>(crawlId, progress, now));
    }
}
