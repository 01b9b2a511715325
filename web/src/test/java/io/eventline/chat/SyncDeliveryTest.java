package io.eventline.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SyncDeliveryTest {
    private final List<Long> sent = new ArrayList<>();
    private final List<Long> reads = new ArrayList<>();
    private final List<Integer> fruitless = new ArrayList<>();
    private SyncDelivery delivery;

    @BeforeEach
    void create() {
        delivery = new SyncDelivery(new SyncDelivery.Socket() {
            @Override
            public void send(SyncDelivery.Entry entry) {
                sent.add(entry.seq());
            }

            @Override
            public void read(long after, int fruitlessSoFar) {
                reads.add(after);
                fruitless.add(fruitlessSoFar);
            }
        });
    }

    private static SyncDelivery.Entry entry(long seq) {
        return new SyncDelivery.Entry(seq, "{\"seq\":" + seq + "}", Instant.EPOCH);
    }

    private static List<SyncDelivery.Entry> entries(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(SyncDeliveryTest::entry).toList();
    }

    /** The first read after the device's cursor came back with {@code entries}. */
    private void connectedWith(long cursor, List<SyncDelivery.Entry> entries) {
        delivery.start(cursor);
        delivery.read(entries, false);
    }

    @Test
    void shouldHoldLiveEntriesUntilTheFirstReadAndSendEachOnceInOrder() {
        // Given live entries arrive while the first read is under way, overlapping what it returns
        delivery.live(entry(6));
        delivery.live(entry(8));
        delivery.live(entry(7));

        // When the read returns the entries after the cursor 4
        connectedWith(4, entries(5, 7));

        // Then every entry went out once, in seq order, and nothing was read again
        assertThat(sent).containsExactly(5L, 6L, 7L, 8L);
        assertThat(reads).isEmpty();
    }

    @Test
    void shouldDropLiveEntriesAtOrBelowTheLastSent() {
        connectedWith(0, entries(1, 3));

        delivery.live(entry(2));
        delivery.live(entry(3));
        delivery.live(entry(4));
        delivery.live(entry(4));

        assertThat(sent).containsExactly(1L, 2L, 3L, 4L);
        assertThat(delivery.duplicates()).isEqualTo(3);
    }

    @Test
    void shouldReadAfterTheLastSentWhenALiveEntryLeavesAGapAndFlushOnceItIsFilled() {
        // Given 1-2 were sent
        connectedWith(0, entries(1, 2));

        // When 5 arrives live, then 6, while 3 and 4 never came live
        delivery.live(entry(5));
        delivery.live(entry(6));

        // Then one read after 2 was asked for, and nothing beyond the gap went out
        assertThat(reads).containsExactly(2L);
        assertThat(sent).containsExactly(1L, 2L);

        // When the read returns 3-5
        delivery.read(entries(3, 5), false);

        // Then 3, 4, 5 come from the read and 6 from the waiting live entries, each once
        assertThat(sent).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(delivery.lastSent()).isEqualTo(6);
    }

    @Test
    void shouldReadPageAfterPageWhileTheQueueHasMore() {
        delivery.start(0);
        delivery.read(entries(1, 3), true);
        delivery.read(entries(4, 6), true);
        delivery.read(entries(7, 7), false);

        assertThat(reads).containsExactly(3L, 6L);
        assertThat(sent).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void shouldSkipAGapThatReadsKeepLeavingOpenAsExpired() {
        connectedWith(0, entries(1, 1));
        delivery.live(entry(3));

        // the queue no longer holds 2 (expired): each read comes back empty
        for (int i = 0; i < SyncDelivery.MAX_FRUITLESS_READS; i++) {
            assertThat(sent).containsExactly(1L);
            delivery.read(List.of(), false);
        }

        assertThat(sent).containsExactly(1L, 3L);
        assertThat(fruitless).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void shouldTakeAReadPageWholeEvenAcrossAGapInIt() {
        // entries 2-3 expired from the queue: what the read returns is all there is
        connectedWith(1, List.of(entry(4), entry(5)));

        delivery.live(entry(6));

        assertThat(sent).containsExactly(4L, 5L, 6L);
        assertThat(reads).isEmpty();
    }

    @Test
    void shouldNotSendEntriesTheDeviceAcknowledgedBeforeConnecting() {
        delivery.live(entry(3));

        connectedWith(3, List.of());
        delivery.live(entry(4));

        assertThat(sent).containsExactly(4L);
    }
}
