package io.eventline.crawler;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validators a frontier task keeps: replaced by a new fetch, held under their cap, expired by age. */
class RefetchValidatorsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration MAX_AGE = Duration.ofDays(30);

    private KeyValueStore<String, PageValidators> store;

    @BeforeEach
    void setUp() {
        final MockProcessorContext<String, CrawlProgressed> context = new MockProcessorContext<>();
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(CrawlerStores.VALIDATORS), Serdes.String(),
                new EventSerdes(new InMemorySchemaRegistry()).of(PageValidators.class)).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void shouldReplaceTheValidatorsWhenThePageIsFetchedWholeAgain() {
        // Given
        final RefetchValidators validators = validators(1_000_000, 100);
        validators.reported(report("http://a.test/", 200, kept("\"v1\"", T0)));

        // When
        validators.reported(report("http://a.test/", 200, kept("\"v2\"", T0.plusSeconds(60))));

        // Then
        assertThat(validators.forRequest("http://a.test/", T0.plusSeconds(61).toEpochMilli()).getEtag())
                .isEqualTo("\"v2\"");
        assertThat(validators.bytes()).isEqualTo(RefetchValidators.sizeOf("http://a.test/", kept("\"v2\"", T0)));
    }

    @Test
    void shouldLeaveTheValidatorsOnA304AndForgetThemWhenThePageIsGoneOrHasNone() {
        // Given
        final RefetchValidators validators = validators(1_000_000, 100);
        validators.reported(report("http://a.test/x", 200, kept("\"v1\"", T0)));
        validators.reported(report("http://a.test/y", 200, kept("\"v1\"", T0)));

        // When
        validators.reported(report("http://a.test/x", 304, null));
        validators.reported(report("http://a.test/y", 404, null));

        // Then
        assertThat(validators.forRequest("http://a.test/x", T0.toEpochMilli())).isNotNull();
        assertThat(validators.forRequest("http://a.test/y", T0.toEpochMilli())).isNull();

        // When: the page now comes whole without validators
        validators.reported(report("http://a.test/x", 200, null));

        // Then
        assertThat(validators.forRequest("http://a.test/x", T0.toEpochMilli())).isNull();
        assertThat(validators.bytes()).isZero();
    }

    @Test
    void shouldStayWithinItsCapInBytes() {
        // Given: room for three entries
        final long entry = RefetchValidators.sizeOf("http://a.test/0", kept("\"v1\"", T0));
        final RefetchValidators validators = validators(3 * entry, 100);

        // When: five pages bring validators
        for (int i = 0; i < 5; i++) {
            validators.reported(report("http://a.test/" + i, 200, kept("\"v1\"", T0)));
        }

        // Then: the first three are kept, the rest are fetched whole next time
        assertThat(validators.bytes()).isLessThanOrEqualTo(3 * entry);
        assertThat(storedBytes()).isEqualTo(validators.bytes());
        assertThat(keys()).containsExactly("http://a.test/0", "http://a.test/1", "http://a.test/2");

        // When: a kept page grows past the room left
        validators.reported(report("http://a.test/1", 200, kept("\"" + "v".repeat((int) entry) + "\"", T0)));

        // Then: it is forgotten rather than kept stale
        assertThat(keys()).containsExactly("http://a.test/0", "http://a.test/2");
        assertThat(storedBytes()).isEqualTo(validators.bytes()).isLessThanOrEqualTo(3 * entry);
    }

    @Test
    void shouldNotSendExpiredValidatorsAndSweepThemInBatches() {
        // Given: three pages fetched at T0 and one a day before the sweep, swept one entry at a time
        final RefetchValidators validators = validators(1_000_000, 1);
        for (int i = 0; i < 3; i++) {
            validators.reported(report("http://a.test/" + i, 200, kept("\"v1\"", T0)));
        }
        final Instant later = T0.plus(MAX_AGE);
        validators.reported(report("http://a.test/fresh", 200, kept("\"v1\"", later.minus(Duration.ofDays(1)))));

        // Then: at their age the old ones are no longer sent
        assertThat(validators.forRequest("http://a.test/0", later.toEpochMilli())).isNull();
        assertThat(validators.forRequest("http://a.test/fresh", later.toEpochMilli())).isNotNull();

        // When: four sweeps of one entry each
        for (int i = 0; i < 4; i++) {
            validators.sweep(later.toEpochMilli());
        }

        // Then
        assertThat(keys()).containsExactly("http://a.test/fresh");
        assertThat(validators.bytes()).isEqualTo(storedBytes());
    }

    @Test
    void shouldCountWhatTheStoreHoldsWhenATaskStarts() {
        // Given
        final RefetchValidators before = validators(1_000_000, 100);
        before.reported(report("http://a.test/0", 200, kept("\"v1\"", T0)));
        before.reported(report("http://a.test/1", 200, kept("\"v2\"", T0)));

        // When
        final RefetchValidators after = validators(1_000_000, 100);

        // Then
        assertThat(after.bytes()).isEqualTo(before.bytes()).isEqualTo(storedBytes());
    }

    private RefetchValidators validators(long maxBytes, int sweepBatch) {
        return new RefetchValidators(new RefetchSettings(maxBytes, MAX_AGE, Duration.ofMinutes(1), sweepBatch),
                store);
    }

    private static FetchReported report(String url, int status, PageValidators validators) {
        return FetchReported.newBuilder().setCrawlId("c1").setPolitenessKey("127.0.0.1").setHost("a.test")
                .setUrl(url).setStatus(status).setStartedAt(T0).setFinishedAt(T0).setValidators(validators).build();
    }

    private static PageValidators kept(String etag, Instant fetchedAt) {
        return PageValidators.newBuilder().setEtag(etag).setStatus(200).setTitle("Page").setContentHash("hash")
                .setOutlinks(List.of("http://a.test/next")).setFetchedAt(fetchedAt).build();
    }

    private List<String> keys() {
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, PageValidators> all = store.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }

    private long storedBytes() {
        long bytes = 0;
        try (KeyValueIterator<String, PageValidators> all = store.all()) {
            while (all.hasNext()) {
                final var entry = all.next();
                bytes += RefetchValidators.sizeOf(entry.key, entry.value);
            }
        }
        return bytes;
    }
}
