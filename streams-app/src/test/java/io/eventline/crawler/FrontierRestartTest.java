package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A frontier task that stops and starts again over the same stores, as after a crash and a restore. */
class FrontierRestartTest {
    private static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static final String KEY = "127.0.0.1";

    private final RecordingDispatch workers = new RecordingDispatch();
    private final List<FetchJob> released = workers.released;
    private final List<String> abandoned = workers.abandoned;
    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    private final List<StateStore> stores = new ArrayList<>();
    private final FrontierSettings settings = FrontierSettings.defaults(CrawlerSettings.builder()
            .seenExpectedEntries(1_000).build());

    @BeforeEach
    void setUp() {
        final MockProcessorContext<String, CrawlProgressed> first = new MockProcessorContext<>();
        stores.add(store(CrawlerStores.FRONTIER, serdes.of(FrontierKey.class), first));
        stores.add(store(CrawlerStores.QUEUE, serdes.of(QueuedUrl.class), first));
        stores.add(store(CrawlerStores.SEEN, Serdes.Long(), first));
        stores.add(store(CrawlerStores.VALIDATORS, serdes.of(PageValidators.class), first));
        final KeyValueStore<String, RobotsFetched> robots = store(CrawlerStores.ROBOTS,
                serdes.of(RobotsFetched.class), first);
        stores.add(robots);
        final TimestampedKeyValueStore<String, Crawl> crawls = Stores.timestampedKeyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(CrawlerStores.CRAWLS_GLOBAL), Serdes.String(), serdes.of(Crawl.class))
                .withLoggingDisabled().build();
        crawls.init(first.getStateStoreContext(), crawls);
        stores.add(crawls);
        final CrawlConfig config = CrawlConfig.newBuilder().setSeeds(List.of()).setHosts(List.of("a.test"))
                .setDomains(List.of()).setMaxPages(100).setMaxDepth(3).setDelayMs(0).build();
        crawls.put("c1", ValueAndTimestamp.make(Crawl.newBuilder().setCrawlId("c1").setOwnerId("alice")
                .setState(CrawlState.RUNNING).setConfig(config).setStartedAt(Instant.ofEpochMilli(T0))
                .setUpdatedAt(Instant.ofEpochMilli(T0)).build(), T0));
        robots.put("a.test", RobotsFetched.newBuilder().setUrl("http://a.test/robots.txt").setStatus(200)
                .setBody(ByteBuffer.wrap(new byte[0])).setFetchedAt(Instant.ofEpochMilli(T0)).build());
    }

    @Test
    void shouldReleaseTheRequestInFlightAgainAndOnlyItAfterARestart() {
        // Given: a task released the first of two URLs, then stopped before its report came
        final MockProcessorContext<String, CrawlProgressed> before = context(T0);
        final FrontierKeeper stopped = new FrontierKeeper(settings, workers);
        stopped.init(before);
        stopped.process(new Record<>(KEY, discovered("http://a.test/1", "http://a.test/2"), T0));
        selector(before).punctuate(T0 + 20);
        assertThat(urls()).containsExactly("http://a.test/1");

        // When: a new task starts on the same stores
        final long restart = T0 + 1_000;
        final MockProcessorContext<String, CrawlProgressed> after = context(restart);
        final FrontierKeeper restarted = new FrontierKeeper(settings, workers);
        restarted.init(after);
        selector(after).punctuate(restart);
        final List<String> withinGrace = urls();
        after.setCurrentSystemTimeMs(restart + FrontierKeeper.REPORTS_GRACE_MS);
        selector(after).punctuate(restart + FrontierKeeper.REPORTS_GRACE_MS);

        // Then: what was in flight is released again once its report had time to come, and reported so, and
        // nothing else before its report
        assertThat(withinGrace).containsExactly("http://a.test/1");
        assertThat(urls()).containsExactly("http://a.test/1", "http://a.test/1");
        assertThat(after.forwarded()).extracting(forward -> forward.record().value().getReleasedAgain())
                .containsExactly(1);

        // When: its report comes
        final long reportedAt = restart + FrontierKeeper.REPORTS_GRACE_MS + 100;
        after.setCurrentSystemTimeMs(reportedAt);
        restarted.process(new Record<>(KEY, report("http://a.test/1", reportedAt), reportedAt));
        selector(after).punctuate(reportedAt + 20);

        // Then
        assertThat(urls()).containsExactly("http://a.test/1", "http://a.test/1", "http://a.test/2");
    }

    @Test
    void shouldNotFetchAgainARequestWhoseReportArrivesSoonAfterARestart() {
        // Given: a task released a URL, and its report was written but not processed when the instance died
        final MockProcessorContext<String, CrawlProgressed> before = context(T0);
        final FrontierKeeper stopped = new FrontierKeeper(settings, workers);
        stopped.init(before);
        stopped.process(new Record<>(KEY, discovered("http://a.test/1", "http://a.test/2"), T0));
        selector(before).punctuate(T0 + 20);

        // When: the task starts again and processes that report within the grace
        final long restart = T0 + 1_000;
        final MockProcessorContext<String, CrawlProgressed> after = context(restart);
        final FrontierKeeper restarted = new FrontierKeeper(settings, workers);
        restarted.init(after);
        selector(after).punctuate(restart);
        restarted.process(new Record<>(KEY, report("http://a.test/1", T0 + 50), restart + 10));
        after.setCurrentSystemTimeMs(restart + FrontierKeeper.REPORTS_GRACE_MS);
        selector(after).punctuate(restart + FrontierKeeper.REPORTS_GRACE_MS);

        // Then: the reported URL is not fetched again; the next one is released
        assertThat(urls()).containsExactly("http://a.test/1", "http://a.test/2");
        assertThat(after.forwarded()).extracting(forward -> forward.record().value().getReleasedAgain())
                .doesNotContain(1);
    }

    @Test
    void shouldAbandonTheRequestInFlightWhenTheTaskClosesAndNotOnceItWasReported() {
        // Given: a task released a URL of one key and heard back; then released another
        final MockProcessorContext<String, CrawlProgressed> context = context(T0);
        final FrontierKeeper keeper = new FrontierKeeper(settings, workers);
        keeper.init(context);
        keeper.process(new Record<>(KEY, discovered("http://a.test/1", "http://a.test/2"), T0));
        selector(context).punctuate(T0 + 20);
        context.setCurrentSystemTimeMs(T0 + 100);
        keeper.process(new Record<>(KEY, report("http://a.test/1", T0 + 100), T0 + 100));
        final FrontierKeeper idle = new FrontierKeeper(settings, workers);
        idle.init(context(T0 + 100));
        idle.close();
        assertThat(abandoned).as("keys abandoned by a task with nothing in flight").isEmpty();
        selector(context).punctuate(T0 + 120);
        assertThat(urls()).containsExactly("http://a.test/1", "http://a.test/2");

        // When: the task closes, as on a rebalance, with the second request still running
        keeper.close();

        // Then: its request is abandoned, for the key's next owner to release again
        assertThat(abandoned).containsExactly(KEY);
    }

    private static FetchReported report(String url, long finishedAt) {
        return FetchReported.newBuilder().setCrawlId("c1").setPolitenessKey(KEY).setHost("a.test").setUrl(url)
                .setStatus(200).setStartedAt(Instant.ofEpochMilli(T0)).setFinishedAt(Instant.ofEpochMilli(finishedAt))
                .build();
    }

    private List<String> urls() {
        return released.stream().map(job -> job.entry().getUrl()).toList();
    }

    private static UrlsDiscovered discovered(String... urls) {
        return UrlsDiscovered.newBuilder().setCrawlId("c1").setPolitenessKey(KEY).setDepth(0)
                .setUrls(List.of(urls)).setAt(Instant.ofEpochMilli(T0)).build();
    }

    private MockProcessorContext<String, CrawlProgressed> context(long now) {
        final MockProcessorContext<String, CrawlProgressed> context = new MockProcessorContext<>();
        context.setCurrentSystemTimeMs(now);
        stores.forEach(context::addStateStore);
        return context;
    }

    private static org.apache.kafka.streams.processor.Punctuator selector(
            MockProcessorContext<String, CrawlProgressed> context) {
        return context.scheduledPunctuators().get(0).getPunctuator();
    }

    private static <V> KeyValueStore<String, V> store(String name, Serde<V> values,
                                                      MockProcessorContext<String, CrawlProgressed> context) {
        final KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
