package io.eventline.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two data centres, a and b, each its own key-value topology, and between them a link that carries each one's
 * {@code kv.changes.v1} into the other's {@code <alias>.kv.changes.v1} as MirrorMaker 2 does, in order, and that
 * can be cut: what is written while it is cut waits and is delivered when it heals.
 */
class KvTwoDatacenterTest {
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");
    private final EventSerdes serdes = new EventSerdes(new InMemorySchemaRegistry());
    private final List<Datacenter> datacenters = new ArrayList<>();
    private long nextId = 1;

    @AfterEach
    void tearDown() {
        datacenters.forEach(dc -> dc.driver.close());
    }

    /** One data centre: its topology and its ends of the link. */
    private final class Datacenter {
        final String alias;
        final TopologyTestDriver driver;
        final TestInputTopic<String, KvWriteRequested> writes;
        final TestOutputTopic<String, OperationOutcome> outcomes;
        final TestOutputTopic<String, KvChange> changes;
        final TestOutputTopic<String, KvConflict> conflicts;
        TestInputTopic<String, KvChange> fromPeer;

        Datacenter(String alias, int id, String peer, int maxSiblings, Instant wallClock) {
            this.alias = alias;
            final Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "kv-" + alias + "-" + UUID.randomUUID());
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            final KvSettings settings = KvSettings.defaults(id).withPeers(List.of(peer)).withMaxSiblings(maxSiblings);
            driver = new TopologyTestDriver(KvTopology.build(settings, serdes), props, wallClock);
            writes = driver.createInputTopic(KvTopics.WRITES.name(), Serdes.String().serializer(),
                    serdes.of(KvWriteRequested.class).serializer());
            outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                    serdes.of(OperationOutcome.class).deserializer());
            changes = driver.createOutputTopic(KvTopics.CHANGES.name(), Serdes.String().deserializer(),
                    serdes.of(KvChange.class).deserializer());
            conflicts = driver.createOutputTopic(KvTopics.CONFLICTS.name(), Serdes.String().deserializer(),
                    serdes.of(KvConflict.class).deserializer());
            fromPeer = driver.createInputTopic(KvTopics.mirroredChanges(peer).name(), Serdes.String().serializer(),
                    serdes.of(KvChange.class).serializer());
            datacenters.add(this);
        }

        int send(KvWriteRequested.Builder builder) {
            final KvWriteRequested event = builder.build();
            writes.pipeInput(event.getNamespace(), event, event.getTimestamp());
            return outcomes.readValue().getHttpStatus();
        }

        KvEntry entry(String namespace, String key) {
            final KeyValueStore<String, KvEntry> store = driver.getKeyValueStore(KvStores.ENTRIES);
            return store.get(KvNames.storeKey(namespace, key));
        }

        KvNamespace namespace(String name) {
            final KeyValueStore<String, KvNamespace> store = driver.getKeyValueStore(KvStores.NAMESPACES);
            return store.get(name);
        }

        /** Every key with its versions (event ID, ETag, value) and every namespace with its owner and usage. */
        Map<String, String> contents() {
            final Map<String, String> contents = new TreeMap<>();
            final KeyValueStore<String, KvEntry> entries = driver.getKeyValueStore(KvStores.ENTRIES);
            try (KeyValueIterator<String, KvEntry> all = entries.all()) {
                all.forEachRemaining(entry -> contents.put(entry.key, KvSiblings.of(entry.value).stream()
                        .map(v -> v.getEventId() + "@" + KvVersions.etag(v.getVersion()) + "=" + text(v.getValue()))
                        .toList().toString()));
            }
            final KeyValueStore<String, KvNamespace> namespaces = driver.getKeyValueStore(KvStores.NAMESPACES);
            try (KeyValueIterator<String, KvNamespace> all = namespaces.all()) {
                all.forEachRemaining(namespace -> contents.put("namespace " + namespace.key,
                        namespace.value.getOwner() + " keys=" + namespace.value.getKeys() + " bytes="
                                + namespace.value.getBytes() + " " + namespace.value.getConflicts()));
            }
            return contents;
        }

        List<KvConflict> conflicts() {
            return conflicts.readValuesToList();
        }
    }

    /** Carries what each side wrote to the other, unless cut; what waits is delivered at the next heal. */
    private static final class Link {
        private final Datacenter a;
        private final Datacenter b;
        private final List<KeyValue<String, KvChange>> towardsA = new ArrayList<>();
        private final List<KeyValue<String, KvChange>> towardsB = new ArrayList<>();
        private boolean cut;

        Link(Datacenter a, Datacenter b) {
            this.a = a;
            this.b = b;
        }

        void cut() {
            cut = true;
        }

        void heal() {
            cut = false;
            flush();
        }

        /** Moves whatever was written since, unless the link is cut. */
        void flush() {
            towardsB.addAll(a.changes.readKeyValuesToList());
            towardsA.addAll(b.changes.readKeyValuesToList());
            if (cut) {
                return;
            }
            towardsB.forEach(change -> b.fromPeer.pipeInput(change.key, change.value));
            towardsA.forEach(change -> a.fromPeer.pipeInput(change.key, change.value));
            towardsB.clear();
            towardsA.clear();
        }
    }

    private KvWriteRequested.Builder write(KvOperation operation, String principal, String namespace, String key) {
        return KvWriteRequested.newBuilder().setEventId("w" + nextId++)
                .setTimestamp(START.plusMillis(nextId)).setPrincipal(principal).setOperation(operation)
                .setNamespace(namespace).setKey(key);
    }

    private KvWriteRequested.Builder put(String principal, String namespace, String key, String value) {
        return write(KvOperation.PUT, principal, namespace, key).setContentType("text/plain")
                .setValue(ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(ByteBuffer value) {
        return StandardCharsets.UTF_8.decode(value.duplicate()).toString();
    }

    private static List<String> values(KvEntry entry) {
        return KvSiblings.of(entry).stream().map(v -> text(v.getValue())).sorted().toList();
    }

    /** a, and b whose wall clock is {@code bAhead} ahead of a's, linked. */
    private Link twoDatacenters(Duration bAhead, int maxSiblings) {
        return new Link(new Datacenter("a", 1, "b", maxSiblings, START),
                new Datacenter("b", 2, "a", maxSiblings, START.plus(bAhead)));
    }

    @Test
    void shouldKeepConcurrentWritesAsSiblingsThatOneConditionalWriteResolvesEverywhere() {
        // Given alice's namespace, known to both data centres
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        final Datacenter a = link.a;
        final Datacenter b = link.b;
        assertThat(a.send(write(KvOperation.PUT_NAMESPACE, "alice", "prefs", null))).isEqualTo(201);
        link.flush();

        // When the link is cut and each data centre takes a write to the same key
        link.cut();
        assertThat(a.send(put("alice", "prefs", "theme", "dark"))).isEqualTo(201);
        assertThat(b.send(put("alice", "prefs", "theme", "light"))).isEqualTo(201);
        assertThat(values(a.entry("prefs", "theme"))).containsExactly("dark");
        link.heal();

        // Then both hold both values as siblings, the same way, under one context
        assertThat(values(a.entry("prefs", "theme"))).containsExactly("dark", "light");
        assertThat(a.contents()).isEqualTo(b.contents());
        final String context = KvVersions.etag(KvSiblings.context(a.entry("prefs", "theme")));
        assertThat(context).isEqualTo("\"dc1-2.dc2-1\"");
        assertThat(a.namespace("prefs").getKeys()).isEqualTo(1);
        assertThat(a.namespace("prefs").getBytes()).isEqualTo(2 * "theme".length() + "dark".length()
                + "light".length());

        // When a client that read both writes once with If-Match of that context
        assertThat(b.send(put("alice", "prefs", "theme", "x").setIfMatch("\"dc1-2\""))).isEqualTo(412);
        assertThat(b.send(put("alice", "prefs", "theme", "dusk").setIfMatch(context))).isEqualTo(200);
        link.flush();

        // Then that write supersedes both siblings in both data centres
        assertThat(values(a.entry("prefs", "theme"))).containsExactly("dusk");
        assertThat(a.contents()).isEqualTo(b.contents());
        assertThat(a.conflicts()).isEmpty();
        assertThat(b.conflicts()).isEmpty();
    }

    @Test
    void shouldKeepTheLaterWriteByClockUnderLastWriterWinsAndRecordTheOther() {
        // Given a namespace that chose last-writer-wins, and b's clock 5 ms ahead
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        assertThat(link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "scores", null)
                .setConflicts(KvConflictPolicy.LAST_WRITER_WINS))).isEqualTo(201);
        link.flush();

        // When both write the key while cut, then heal
        link.cut();
        link.b.send(put("alice", "scores", "top", "from-b"));
        link.a.send(put("alice", "scores", "top", "from-a"));
        link.heal();

        // Then both keep b's (the later clock) and each records a's as set aside, value included
        assertThat(values(link.a.entry("scores", "top"))).containsExactly("from-b");
        assertThat(link.a.contents()).isEqualTo(link.b.contents());
        for (Datacenter dc : List.of(link.a, link.b)) {
            final List<KvConflict> recorded = dc.conflicts();
            assertThat(recorded).singleElement().satisfies(conflict -> {
                assertThat(conflict.getReason()).isEqualTo(KvConflictReason.LAST_WRITER_WINS);
                assertThat(text(conflict.getDropped().getValue())).isEqualTo("from-a");
                assertThat(text(conflict.getKept().getValue())).isEqualTo("from-b");
                assertThat(conflict.getKey()).isEqualTo("top");
            });
        }
    }

    @Test
    void shouldLetAWriteSurviveAConcurrentDeleteThatDidNotSeeIt() {
        // Given a key both data centres hold
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "prefs", null));
        link.a.send(put("alice", "prefs", "theme", "dark"));
        link.a.send(put("alice", "prefs", "font", "serif"));
        link.flush();
        assertThat(link.b.entry("prefs", "theme")).isNotNull();

        // When a deletes both keys while b, cut off, writes one of them again
        link.cut();
        assertThat(link.a.send(write(KvOperation.DELETE, "alice", "prefs", "theme"))).isEqualTo(204);
        assertThat(link.a.send(write(KvOperation.DELETE, "alice", "prefs", "font"))).isEqualTo(204);
        assertThat(link.b.send(put("alice", "prefs", "theme", "light"))).isEqualTo(200);
        link.heal();

        // Then the delete removes what it saw; b's write, which it did not see, stays in both
        assertThat(values(link.a.entry("prefs", "theme"))).containsExactly("light");
        assertThat(link.a.entry("prefs", "font")).isNull();
        assertThat(link.a.contents()).isEqualTo(link.b.contents());
        assertThat(link.a.namespace("prefs").getKeys()).isEqualTo(1);
    }

    @Test
    void shouldChangeNothingWhenAChangeArrivesAgain() {
        // Given
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "prefs", null));
        link.a.send(put("alice", "prefs", "theme", "dark"));
        final List<KeyValue<String, KvChange>> sent = link.a.changes.readKeyValuesToList();
        sent.forEach(change -> link.b.fromPeer.pipeInput(change.key, change.value));
        final Map<String, String> once = link.b.contents();

        // When MirrorMaker copies them again (a restart of its task)
        sent.forEach(change -> link.b.fromPeer.pipeInput(change.key, change.value));

        // Then
        assertThat(link.b.contents()).isEqualTo(once);
        assertThat(link.b.namespace("prefs").getKeys()).isEqualTo(1);
        assertThat(link.b.conflicts()).isEmpty();
        assertThat(link.b.changes.isEmpty()).as("merged changes are not sent on").isTrue();
    }

    @Test
    void shouldMergeTheOldestSiblingsPastTheCapAndRecordTheMerge() {
        // Given at most one version per key
        final Link link = twoDatacenters(Duration.ofMillis(5), 1);
        link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "prefs", null));
        link.flush();

        // When
        link.cut();
        link.a.send(put("alice", "prefs", "theme", "dark"));
        link.b.send(put("alice", "prefs", "theme", "light"));
        link.heal();

        // Then the newer stays, covering both, and the older is recorded
        assertThat(values(link.a.entry("prefs", "theme"))).containsExactly("light");
        assertThat(link.a.contents()).isEqualTo(link.b.contents());
        assertThat(link.a.conflicts()).singleElement().satisfies(conflict -> {
            assertThat(conflict.getReason()).isEqualTo(KvConflictReason.SIBLING_CAP);
            assertThat(text(conflict.getDropped().getValue())).isEqualTo("dark");
        });
    }

    @Test
    void shouldGiveANameClaimedInBothToTheEarlierClaimAndRecordTheOtherClaimsKeys() {
        // Given the link cut before anyone claims "shared"
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        link.cut();

        // When alice claims it in a, bob a little later in b, and each writes a key
        assertThat(link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "shared", null))).isEqualTo(201);
        assertThat(link.b.send(write(KvOperation.PUT_NAMESPACE, "bob", "shared", null))).isEqualTo(201);
        link.a.send(put("alice", "shared", "a-key", "alice's"));
        link.b.send(put("bob", "shared", "b-key", "bob's"));
        link.heal();

        // Then both give it to alice with her key only; bob's key is recorded in both, never shown to alice
        for (Datacenter dc : List.of(link.a, link.b)) {
            assertThat(dc.namespace("shared").getOwner()).isEqualTo("alice");
            assertThat(dc.entry("shared", "b-key")).isNull();
            assertThat(values(dc.entry("shared", "a-key"))).containsExactly("alice's");
            assertThat(dc.namespace("shared").getKeys()).isEqualTo(1);
            assertThat(dc.conflicts()).extracting(conflict -> text(conflict.getDropped().getValue()))
                    .containsExactly("bob's");
        }
        assertThat(link.a.contents()).isEqualTo(link.b.contents());
    }

    @Test
    void shouldNotLetTheDeleteOfALosingClaimRemoveTheWinningOne() {
        // Given alice claims "shared" in a, bob a little later in b, while cut
        final Link link = twoDatacenters(Duration.ofMillis(5), 8);
        link.cut();
        link.a.send(write(KvOperation.PUT_NAMESPACE, "alice", "shared", null));
        link.a.send(put("alice", "shared", "a-key", "alice's"));
        link.b.send(write(KvOperation.PUT_NAMESPACE, "bob", "shared", null));

        // When bob deletes his claim before the link heals
        assertThat(link.b.send(write(KvOperation.DELETE_NAMESPACE, "bob", "shared", null))).isEqualTo(204);
        link.heal();

        // Then alice's namespace stands in both
        for (Datacenter dc : List.of(link.a, link.b)) {
            assertThat(dc.namespace("shared").getOwner()).isEqualTo("alice");
            assertThat(values(dc.entry("shared", "a-key"))).containsExactly("alice's");
        }
        assertThat(link.a.contents()).isEqualTo(link.b.contents());
    }
}
