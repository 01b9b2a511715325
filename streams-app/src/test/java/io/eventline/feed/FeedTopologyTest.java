package io.eventline.feed;

import io.eventline.kafka.Partitions;
import static org.assertj.core.api.Assertions.assertThat;

import io.eventline.chat.ChatTopics;
import io.eventline.chat.KnownUser;

import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationStatus;
import io.eventline.operations.OperationTopics;
import io.eventline.feed.FeedSettings;
import io.eventline.registry.client.InMemorySchemaRegistry;
import io.eventline.serde.EventSerdes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FeedTopologyTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final int PARTITIONS = 3;

    private TopologyTestDriver driver;
    private EventSerdes serdes;
    private FeedSettings settings;
    private TestInputTopic<String, ProfileUpdated> profiles;
    private TestInputTopic<String, FollowRequested> follows;
    private TestInputTopic<String, PostPublished> posts;
    private TestInputTopic<String, PostDeleteRequested> deletes;
    private TestInputTopic<String, UserSeen> activity;
    private TestInputTopic<String, FeedDelivery> deliveries;
    private TestOutputTopic<String, OperationOutcome> outcomes;
    private TestOutputTopic<String, FeedDelivery> deliveriesOut;
    private Instant now = T0;
    /** What the processors told the feed's item cache, with how many outcomes had been sent by then. */
    private final List<String> told = new ArrayList<>();
    private final FeedChanges changes = new FeedChanges() {
        @Override
        public void postDeleted(String postId) {
            told.add("post " + postId + " deleted, " + outcomes.getQueueSize() + " outcomes out");
        }

        @Override
        public void profileChanged(String userId) {
            told.add("profile " + userId + " changed, " + outcomes.getQueueSize() + " outcomes out");
        }

        @Override
        public void ownershipChanged() {
            told.add("ownership changed");
        }
    };
    private long nextPostId;
    private int nextEvent;

    private void start(int feedCap, int celebrityThreshold, Duration inactiveAfter, int backfill, int maxFollowing) {
        settings = new FeedSettings(feedCap, celebrityThreshold, inactiveAfter, backfill, maxFollowing,
                FeedSettings.DEFAULT_CACHE_BYTES, PARTITIONS, changes);
        serdes = new EventSerdes(new InMemorySchemaRegistry());
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "feed-test-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(FeedTopology.build(settings, serdes), props);
        profiles = input(FeedTopics.PROFILES.name(), ProfileUpdated.class);
        follows = input(FeedTopics.FOLLOWS.name(), FollowRequested.class);
        posts = input(FeedTopics.POSTS.name(), PostPublished.class);
        deletes = input(FeedTopics.POST_DELETES.name(), PostDeleteRequested.class);
        activity = input(FeedTopics.ACTIVITY.name(), UserSeen.class);
        deliveries = input(FeedTopics.DELIVERIES.name(), FeedDelivery.class);
        outcomes = driver.createOutputTopic(OperationTopics.OUTCOMES.name(), Serdes.String().deserializer(),
                serdes.of(OperationOutcome.class).deserializer());
        deliveriesOut = driver.createOutputTopic(FeedTopics.DELIVERIES.name(), Serdes.String().deserializer(),
                serdes.of(FeedDelivery.class).deserializer());
        nextPostId = SnowflakeIdGenerator.minIdAt(T0.toEpochMilli());
    }

    private void startDefaults() {
        start(800, 10_000, Duration.ofDays(30), 20, 5_000);
    }

    private <V extends org.apache.avro.specific.SpecificRecord> TestInputTopic<String, V> input(String topic,
                                                                                             Class<V> type) {
        return driver.createInputTopic(topic, Serdes.String().serializer(), serdes.of(type).serializer());
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    // ---- steps ----

    private String eventId() {
        return "event-" + (++nextEvent);
    }

    private OperationOutcome profile(String user) {
        final String eventId = eventId();
        profiles.pipeInput(user, ProfileUpdated.newBuilder().setEventId(eventId).setTimestamp(now).setUserId(user)
                .setDisplayName(user.toUpperCase(java.util.Locale.ROOT)).build(), now);
        return outcomeOf(eventId);
    }

    private OperationOutcome follow(String follower, String followee, boolean follow) {
        final String eventId = eventId();
        follows.pipeInput(follower, FollowRequested.newBuilder().setEventId(eventId).setTimestamp(now)
                .setFollowerId(follower).setFolloweeId(followee).setFollow(follow).build(), now);
        return outcomeOf(eventId);
    }

    private long post(String author) {
        // post IDs grow with time like Snowflake IDs do
        nextPostId = Math.max(nextPostId + 1, SnowflakeIdGenerator.minIdAt(now.toEpochMilli()));
        final long postId = nextPostId;
        final String eventId = Long.toString(postId);
        posts.pipeInput(author, PostPublished.newBuilder().setEventId(eventId).setTimestamp(now).setPostId(postId)
                .setAuthorId(author).setText("post " + postId + " by " + author).build(), now);
        final OperationOutcome outcome = outcomeOf(eventId);
        assertThat(outcome.getStatus()).as(outcome.toString()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(outcome.getHttpStatus()).isEqualTo(201);
        return postId;
    }

    private OperationOutcome delete(String requester, long postId) {
        final String eventId = eventId();
        deletes.pipeInput(Long.toString(postId), PostDeleteRequested.newBuilder().setEventId(eventId)
                .setTimestamp(now).setPostId(postId).setRequesterId(requester).build(), now);
        return outcomeOf(eventId);
    }

    private void seen(String user) {
        activity.pipeInput(user, UserSeen.newBuilder().setEventId(eventId()).setTimestamp(now).setUserId(user).build(),
                now);
    }

    private OperationOutcome outcomeOf(String eventId) {
        final List<OperationOutcome> mine = outcomes.readValuesToList().stream()
                .filter(outcome -> outcome.getEventId().equals(eventId)).toList();
        assertThat(mine).as("outcomes of " + eventId).hasSize(1);
        return mine.get(0);
    }

    /** What a read of the user's whole feed returns: the fanned-out entries merged with celebrities' posts. */
    private List<Long> feedOf(String user) {
        final FeedQuery query = new FeedQuery(driver.getKeyValueStore(FeedStores.FEED),
                driver.getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES), driver.getKeyValueStore(FeedStores.FOLLOWING),
                driver.getKeyValueStore(FeedStores.CELEBRITY_POSTS));
        return query.page(user, null, 10_000).stream().map(FeedQuery.Entry::postId).toList();
    }

    /** Only the fanned-out entries of the user's feed store. */
    private List<Long> storedFeedOf(String user) {
        final KeyValueStore<String, String> feed = driver.getKeyValueStore(FeedStores.FEED);
        final List<Long> ids = new ArrayList<>();
        try (var range = feed.range(FeedKeys.prefix(user), FeedKeys.end(user))) {
            range.forEachRemaining(entry -> ids.add(FeedKeys.postIdOf(entry.key)));
        }
        return ids;
    }

    /** The listings and unlistings among {@code sent}, as "kind user", one per user. */
    private static List<String> listingsIn(List<FeedDelivery> sent) {
        return sent.stream()
                .filter(delivery -> delivery.getKind() == FeedDeliveryKind.CELEBRITY_LISTED
                        || delivery.getKind() == FeedDeliveryKind.CELEBRITY_UNLISTED)
                .flatMap(delivery -> delivery.getUserIds().stream().map(user -> delivery.getKind() + " " + user))
                .toList();
    }

    /** The authors on the user's list of followed celebrities. */
    private List<String> listedCelebritiesOf(String user) {
        final KeyValueStore<String, Long> list = driver.getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES);
        final List<String> listed = new ArrayList<>();
        try (var range = list.range(FeedKeys.prefix(user), FeedKeys.end(user))) {
            range.forEachRemaining(entry -> listed.add(FeedKeys.otherOf(entry.key, user)));
        }
        return listed;
    }

    /** A store that counts the reads made of it: each point lookup and each scan counts one. */
    private static final class CountingStore<V> implements ReadOnlyKeyValueStore<String, V> {
        private final ReadOnlyKeyValueStore<String, V> store;
        int reads;

        CountingStore(ReadOnlyKeyValueStore<String, V> store) {
            this.store = store;
        }

        @Override
        public V get(String key) {
            reads++;
            return store.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            reads++;
            return store.range(from, to);
        }

        @Override
        public KeyValueIterator<String, V> reverseRange(String from, String to) {
            reads++;
            return store.reverseRange(from, to);
        }

        @Override
        public KeyValueIterator<String, V> all() {
            reads++;
            return store.all();
        }

        @Override
        public KeyValueIterator<String, V> reverseAll() {
            reads++;
            return store.reverseAll();
        }

        @Override
        public <PS extends Serializer<P>, P> KeyValueIterator<String, V> prefixScan(P prefix, PS prefixKeySerializer) {
            reads++;
            return store.prefixScan(prefix, prefixKeySerializer);
        }

        @Override
        public long approximateNumEntries() {
            reads++;
            return store.approximateNumEntries();
        }
    }

    private UserState user(String user) {
        return driver.<String, UserState>getKeyValueStore(FeedStores.USERS).get(user);
    }

    private static List<Long> newestFirst(List<Long> ids) {
        return ids.stream().sorted(java.util.Comparator.reverseOrder()).toList();
    }

    // ---- tests ----

    @Test
    void shouldReportAUserWithAProfileAsKnownToChat() {
        startDefaults();
        final TestOutputTopic<String, KnownUser> known = driver.createOutputTopic(ChatTopics.KNOWN_USERS.name(),
                Serdes.String().deserializer(), serdes.of(KnownUser.class).deserializer());

        // When alice's profile is stored, and an invalid one of bob's is refused
        assertThat(profile("alice").getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        profiles.pipeInput("bob", ProfileUpdated.newBuilder().setEventId(eventId()).setTimestamp(now)
                .setUserId("bob").setDisplayName(" ").build(), now);

        // Then alice, and only alice, may now be added to chat groups
        assertThat(known.readKeyValuesToList()).extracting(kv -> kv.key, kv -> kv.value.getUserId())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "alice"));
    }

    @Test
    void shouldFanOutAPostToEveryFollowerAndTheAuthorOnePartitionRecordAtATime() {
        startDefaults();
        // Given: six followers of alice, spread over three partitions
        profile("alice");
        final List<String> followers = List.of("u1", "u2", "u3", "u4", "u5", "u6");
        followers.forEach(follower -> assertThat(follow(follower, "alice", true).getHttpStatus()).isEqualTo(204));
        deliveriesOut.readValuesToList();

        // When
        final long postId = post("alice");

        // Then: the post is in alice's feed and every follower's, and in the posts store
        assertThat(feedOf("alice")).containsExactly(postId);
        followers.forEach(follower -> assertThat(feedOf(follower)).as(follower).containsExactly(postId));
        assertThat(driver.<String, Post>getKeyValueStore(FeedStores.POSTS).get(Long.toString(postId)).getAuthorId())
                .isEqualTo("alice");
        // Then: one delivery record per destination partition, not per follower
        final Partitions partitions = new Partitions(PARTITIONS);
        final long partitionsUsed = followers.stream().map(partitions::of).distinct().count();
        final List<FeedDelivery> sent = deliveriesOut.readValuesToList();
        assertThat(sent).hasSize((int) partitionsUsed);
        assertThat(sent.stream().flatMap(delivery -> delivery.getUserIds().stream()))
                .containsExactlyInAnyOrderElementsOf(followers);
        sent.forEach(delivery -> assertThat(delivery.getUserIds().stream().map(partitions::of).distinct()).hasSize(1));
        assertThat(user("alice").getPosts()).isEqualTo(1);
        assertThat(user("alice").getFollowers()).isEqualTo(6);
        assertThat(user("u1").getFollowing()).isEqualTo(1);
    }

    @Test
    void shouldBackfillTheNewestPostsOnFollowBeforeAnsweringAndRemoveThemOnUnfollow() {
        start(800, 10_000, Duration.ofDays(30), 20, 5_000);
        profile("alice");
        final List<Long> written = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            written.add(post("alice"));
            now = now.plusSeconds(1);
        }
        final long bobsOwn = post("bob");

        final OperationOutcome followed = follow("bob", "alice", true);

        assertThat(followed.getStatus()).isEqualTo(OperationStatus.ACCEPTED);
        assertThat(followed.getHttpStatus()).isEqualTo(204);
        final List<Long> expected = new ArrayList<>(newestFirst(written).subList(0, 20));
        expected.add(bobsOwn);
        assertThat(feedOf("bob")).containsExactlyElementsOf(newestFirst(expected));

        // When: following again changes nothing
        assertThat(follow("bob", "alice", true).getHttpStatus()).isEqualTo(204);
        assertThat(user("alice").getFollowers()).isEqualTo(1);
        assertThat(user("bob").getFollowing()).isEqualTo(1);

        // When: bob unfollows
        assertThat(follow("bob", "alice", false).getHttpStatus()).isEqualTo(204);

        // Then: only bob's own post is left, and both counts are back to zero
        assertThat(feedOf("bob")).containsExactly(bobsOwn);
        assertThat(user("alice").getFollowers()).isZero();
        assertThat(user("bob").getFollowing()).isZero();
        assertThat(follow("bob", "alice", false).getHttpStatus()).as("unfollow is idempotent").isEqualTo(204);
    }

    @Test
    void shouldRejectSelfFollowUnknownUsersAndFollowsPastTheCap() {
        start(800, 10_000, Duration.ofDays(30), 20, 2);
        List.of("a", "b", "c").forEach(this::profile);

        assertThat(follow("bob", "bob", true).getHttpStatus()).isEqualTo(400);
        final OperationOutcome unknown = follow("bob", "nobody", true);
        assertThat(unknown.getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(unknown.getHttpStatus()).isEqualTo(404);
        assertThat(driver.getKeyValueStore(FeedStores.FOLLOWING).get(FeedKeys.pair("bob", "nobody"))).isNull();
        assertThat(follow("bob", "a", true).getHttpStatus()).isEqualTo(204);
        assertThat(follow("bob", "b", true).getHttpStatus()).isEqualTo(204);

        final OperationOutcome third = follow("bob", "c", true);

        assertThat(third.getStatus()).isEqualTo(OperationStatus.REJECTED);
        assertThat(third.getHttpStatus()).isEqualTo(409);
        assertThat(user("bob").getFollowing()).isEqualTo(2);
        assertThat(user("c").getFollowers()).isZero();
    }

    @Test
    void shouldRemoveADeletedPostFromEveryFeedAndLetOnlyTheAuthorDeleteIt() {
        startDefaults();
        profile("alice");
        follow("bob", "alice", true);
        follow("carol", "alice", true);
        final long kept = post("alice");
        final long doomed = post("alice");
        assertThat(feedOf("carol")).containsExactly(doomed, kept);

        assertThat(delete("bob", doomed).getHttpStatus()).isEqualTo(403);
        assertThat(delete("alice", doomed + 1_000_000).getHttpStatus()).isEqualTo(404);
        final OperationOutcome deleted = delete("alice", doomed);

        assertThat(deleted.getHttpStatus()).isEqualTo(204);
        for (String user : List.of("alice", "bob", "carol")) {
            assertThat(feedOf(user)).as(user).containsExactly(kept);
        }
        assertThat(driver.getKeyValueStore(FeedStores.POSTS).get(Long.toString(doomed))).isNull();
        assertThat(driver.getKeyValueStore(FeedStores.AUTHOR_POSTS).get(FeedKeys.post("alice", doomed))).isNull();
        assertThat(user("alice").getPosts()).isEqualTo(1);
        assertThat(delete("alice", doomed).getHttpStatus()).as("deleting twice").isEqualTo(404);
    }

    @Test
    void shouldTellTheItemCacheOfADeleteAndARenameBeforeAnsweringEither() {
        // Given a started topology
        startDefaults();
        assertThat(told).as("the tasks told of their partitions").contains("ownership changed");
        told.clear();

        // When alice sets her name, posts, and deletes the post; and bob fails to delete one
        profile("alice");
        final long postId = post("alice");
        final long other = post("alice");
        assertThat(delete("bob", other).getHttpStatus()).isEqualTo(403);
        assertThat(delete("alice", postId).getHttpStatus()).isEqualTo(204);

        // Then the cache heard of the rename and the delete, each before its outcome was sent, and of nothing else
        assertThat(told).containsExactly("profile alice changed, 0 outcomes out",
                "post " + postId + " deleted, 0 outcomes out");
    }

    @Test
    void shouldKeepOnlyTheNewestPostsUpToTheCap() {
        start(5, 10_000, Duration.ofDays(30), 20, 5_000);
        profile("alice");
        follow("bob", "alice", true);
        final List<Long> written = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            written.add(post("alice"));
        }

        assertThat(storedFeedOf("bob")).containsExactlyElementsOf(newestFirst(written).subList(0, 5));
        assertThat(driver.<String, Long>getKeyValueStore(FeedStores.FEED_SIZES).get("bob")).isEqualTo(5L);
        assertThat(storedFeedOf("alice")).hasSize(5);
    }

    @Test
    void shouldNotFanOutACelebritysPostsButMergeThemWhenFollowersRead() {
        start(800, 3, Duration.ofDays(30), 20, 5_000);
        profile("star");
        final List<String> fans = List.of("f1", "f2", "f3", "f4");
        fans.forEach(fan -> follow(fan, "star", true));
        assertThat(user("star").getCelebrity()).isTrue();
        deliveriesOut.readValuesToList();

        final long postId = post("star");

        assertThat(deliveriesOut.readValuesToList()).as("no fan-out for a celebrity").isEmpty();
        fans.forEach(fan -> {
            assertThat(storedFeedOf(fan)).as(fan).isEmpty();
            assertThat(feedOf(fan)).as(fan).containsExactly(postId);
        });
        assertThat(feedOf("outsider")).isEmpty();
        // Then: unfollowing hides the celebrity's posts at once
        follow("f1", "star", false);
        assertThat(feedOf("f1")).isEmpty();
    }

    @Test
    void shouldNeitherLoseNorDuplicatePostsWhenAnAuthorCrossesTheThresholdBothWays() {
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        follow("f1", "star", true);
        follow("f2", "star", true);
        final long ordinary = post("star");
        now = now.plusSeconds(1);

        // When: a third follower makes star a celebrity
        follow("f3", "star", true);
        assertThat(user("star").getCelebrity()).isTrue();
        final long famous = post("star");
        now = now.plusSeconds(1);

        // When: two unfollow, star is ordinary again
        follow("f3", "star", false);
        follow("f2", "star", false);
        assertThat(user("star").getCelebrity()).isFalse();
        final long ordinaryAgain = post("star");
        follow("f4", "star", true);

        // Then: everyone who follows star sees each post exactly once
        for (String fan : List.of("f1", "f4")) {
            assertThat(feedOf(fan)).as(fan).containsExactly(ordinaryAgain, famous, ordinary);
        }
        assertThat(feedOf("f2")).isEmpty();
        assertThat(feedOf("f3")).isEmpty();
        assertThat(feedOf("star")).containsExactly(ordinaryAgain, famous, ordinary);
    }

    @Test
    void shouldReadOnlyTheCelebritiesTheReaderFollowsWhateverHowManyCelebritiesAndFolloweesThereAre() {
        // Given: 30 celebrities with posts (more than 1 follower each), of which the reader follows 2
        start(800, 1, Duration.ofDays(30), 20, 5_000);
        final List<Long> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            final String celebrity = "celebrity" + i;
            profile(celebrity);
            follow("fan-a", celebrity, true);
            follow(i < 2 ? "reader" : "fan-b", celebrity, true);
            assertThat(user(celebrity).getCelebrity()).isTrue();
            final long postId = post(celebrity);
            if (i < 2) {
                expected.add(postId);
            }
        }
        // Given: and 40 ordinary users, whose posts are fanned out into the reader's feed
        for (int i = 0; i < 40; i++) {
            final String ordinary = "ordinary" + i;
            profile(ordinary);
            follow("reader", ordinary, true);
            expected.add(post(ordinary));
        }
        final CountingStore<Long> list = new CountingStore<>(driver.getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES));
        final CountingStore<Long> following = new CountingStore<>(driver.getKeyValueStore(FeedStores.FOLLOWING));
        final CountingStore<Post> celebrityPosts = new CountingStore<>(
                driver.getKeyValueStore(FeedStores.CELEBRITY_POSTS));
        final FeedQuery query = new FeedQuery(driver.getKeyValueStore(FeedStores.FEED), list, following,
                celebrityPosts);

        // When
        final List<Long> page = query.page("reader", null, 100).stream().map(FeedQuery.Entry::postId).toList();

        // Then: every followed post once, newest first, and no other celebrity's
        assertThat(page).containsExactlyElementsOf(newestFirst(expected));
        assertThat(listedCelebritiesOf("reader")).containsExactly("celebrity0", "celebrity1");
        // Then: one scan of the reader's list, one edge check and one scan of posts per followed celebrity;
        // neither the 28 other celebrities nor the 42 followees are looked at one by one
        assertThat(list.reads).isEqualTo(1);
        assertThat(following.reads).isEqualTo(2);
        assertThat(celebrityPosts.reads).isEqualTo(2);
    }

    @Test
    void shouldListAFollowedCelebrityBeforeAnsweringTheFollowAndDropItOnUnfollow() {
        // Given: star is a celebrity with a post in the celebrity table
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        List.of("f1", "f2", "f3").forEach(fan -> follow(fan, "star", true));
        final long postId = post("star");

        // When: bob follows
        assertThat(follow("bob", "star", true).getHttpStatus()).isEqualTo(204);

        // Then: star is on bob's list, and bob reads the post that was never fanned out
        assertThat(listedCelebritiesOf("bob")).containsExactly("star");
        assertThat(storedFeedOf("bob")).containsExactly(postId);
        assertThat(feedOf("bob")).containsExactly(postId);

        // When: bob unfollows
        follow("bob", "star", false);

        // Then: off his list, and nothing of star's in his feed
        assertThat(listedCelebritiesOf("bob")).isEmpty();
        assertThat(feedOf("bob")).isEmpty();

        // When: a listing sent before the unfollow arrives after it
        deliveries.pipeInput("bob", FeedDelivery.newBuilder().setKind(FeedDeliveryKind.CELEBRITY_LISTED)
                .setUserIds(List.of("bob")).setAuthorId("star").setPostIds(List.of()).build(), now);

        // Then: it is dropped, so the list never holds more than the follow edges
        assertThat(listedCelebritiesOf("bob")).isEmpty();

        // When: an entry is on bob's list without a follow edge all the same
        driver.<String, Long>getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES).put(FeedKeys.pair("bob", "star"), 0L);

        // Then: the read checks the edge and shows nothing of star's
        assertThat(feedOf("bob")).isEmpty();
    }

    @Test
    void shouldListACelebrityWithEveryFollowerOnceWhenItCrossesTheThresholdWhateverHowOftenItCrossesBack() {
        // Given: star has two followers, as many as the threshold
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        follow("f1", "star", true);
        follow("f2", "star", true);
        deliveriesOut.readValuesToList();

        // When: a third follower makes star a celebrity
        follow("f3", "star", true);

        // Then: every follower lists star, one delivery per partition, before star posted anything
        assertThat(user("star").getCelebrity()).isTrue();
        assertThat(listingsIn(deliveriesOut.readValuesToList()))
                .containsExactlyInAnyOrder(FeedDeliveryKind.CELEBRITY_LISTED + " f1",
                        FeedDeliveryKind.CELEBRITY_LISTED + " f2", FeedDeliveryKind.CELEBRITY_LISTED + " f3");
        List.of("f1", "f2", "f3").forEach(fan -> assertThat(listedCelebritiesOf(fan)).as(fan).containsExactly("star"));

        // When: star falls under the threshold and climbs back over it, twice
        for (int round = 0; round < 2; round++) {
            follow("f3", "star", false);
            assertThat(user("star").getCelebrity()).isFalse();
            follow("f3", "star", true);
        }

        // Then: nothing goes to all followers again: only the listing that answers each of f3's follows
        assertThat(listingsIn(deliveriesOut.readValuesToList())).containsExactly(
                FeedDeliveryKind.CELEBRITY_LISTED + " f3", FeedDeliveryKind.CELEBRITY_LISTED + " f3");
        final long famous = post("star");
        final long again = post("star");
        assertThat(feedOf("f1")).containsExactly(again, famous);

        // When: star is ordinary again, with posts still in the celebrity table
        follow("f3", "star", false);

        // Then: still listed, since those posts are read from the table only
        assertThat(user("star").getCelebrity()).isFalse();
        assertThat(listedCelebritiesOf("f1")).containsExactly("star");
        assertThat(feedOf("f1")).containsExactly(again, famous);

        // When: star deletes them both
        deliveriesOut.readValuesToList();
        delete("star", famous);
        delete("star", again);

        // Then: star is taken off the followers' lists, with the removal that goes to them anyway
        assertThat(user("star").getCelebrityListed()).isFalse();
        assertThat(listingsIn(deliveriesOut.readValuesToList())).containsExactlyInAnyOrder(
                FeedDeliveryKind.CELEBRITY_UNLISTED + " f1", FeedDeliveryKind.CELEBRITY_UNLISTED + " f2");
        List.of("f1", "f2", "f3").forEach(fan -> assertThat(listedCelebritiesOf(fan)).as(fan).isEmpty());
    }

    @Test
    void shouldUnlistAnOrdinaryAgainAuthorWithNothingInTheTableAtTheirNextPost() {
        // Given: star crossed the threshold up and back down without posting
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        List.of("f1", "f2", "f3").forEach(fan -> follow(fan, "star", true));
        follow("f3", "star", false);
        assertThat(listedCelebritiesOf("f1")).containsExactly("star");
        assertThat(feedOf("f1")).as("a listing with nothing in the table shows nothing").isEmpty();

        // When: star posts as an ordinary author
        final long postId = post("star");

        // Then: fanned out, and star is off the lists
        assertThat(listedCelebritiesOf("f1")).isEmpty();
        assertThat(listedCelebritiesOf("f2")).isEmpty();
        assertThat(storedFeedOf("f1")).containsExactly(postId);
        assertThat(feedOf("f2")).containsExactly(postId);
    }

    @Test
    void shouldListAgainWhenTheFollowThatCrossedTheThresholdIsReplayed() {
        // Given: f3's follow made star a celebrity and listed star with f1, but that listing was lost (a crash after
        // the state was written and before the delivery was)
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        follow("f1", "star", true);
        follow("f2", "star", true);
        final FollowRequested request = FollowRequested.newBuilder().setEventId(eventId()).setTimestamp(now)
                .setFollowerId("f3").setFolloweeId("star").setFollow(true).build();
        follows.pipeInput("f3", request, now);
        final long postId = post("star");
        driver.<String, Long>getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES).delete(FeedKeys.pair("f1", "star"));
        assertThat(feedOf("f1")).isEmpty();

        // When: the follow is processed again, as after that crash
        follows.pipeInput("f3", request, now);

        // Then: the listing is sent again, and f1 reads the post
        assertThat(listedCelebritiesOf("f1")).containsExactly("star");
        assertThat(feedOf("f1")).containsExactly(postId);
    }

    @Test
    void shouldListAnAuthorWithPostsInTheTableButNoListingsAtTheirNextFollow() {
        // Given: star has a post in the celebrity table, fell back under the threshold, and is listed nowhere, as
        // with state written before the lists existed
        start(800, 2, Duration.ofDays(30), 20, 5_000);
        profile("star");
        List.of("f1", "f2", "f3").forEach(fan -> follow(fan, "star", true));
        final long postId = post("star");
        follow("f3", "star", false);
        follow("f2", "star", false);
        final KeyValueStore<String, UserState> users = driver.getKeyValueStore(FeedStores.USERS);
        final UserState star = users.get("star");
        star.setCelebrityListed(false);
        users.put("star", star);
        driver.<String, Long>getKeyValueStore(FeedStores.FOLLOWED_CELEBRITIES).delete(FeedKeys.pair("f1", "star"));
        assertThat(feedOf("f1")).isEmpty();

        // When: someone follows star, who stays under the threshold
        follow("f4", "star", true);

        // Then: every follower lists star again and reads the post
        assertThat(user("star").getCelebrity()).isFalse();
        List.of("f1", "f4").forEach(fan -> {
            assertThat(listedCelebritiesOf(fan)).as(fan).containsExactly("star");
            assertThat(feedOf(fan)).as(fan).containsExactly(postId);
        });
    }

    @Test
    void shouldSkipIdleFollowersAndRebuildTheirFeedWhenTheyReturn() {
        start(800, 10_000, Duration.ofDays(30), 20, 5_000);
        profile("alice");
        profile("bob");
        follow("bob", "alice", true);
        follow("carol", "alice", true);
        final long before = post("alice");

        // When: bob is idle for 31 days, carol stays active
        now = now.plus(Duration.ofDays(31));
        seen("carol");
        final long whileIdle = post("alice");
        assertThat(user("bob").getInactive()).isTrue();
        assertThat(driver.<String, FollowerEdge>getKeyValueStore(FeedStores.FOLLOWERS)
                .get(FeedKeys.pair("alice", "bob")).getActive()).isFalse();
        deliveriesOut.readValuesToList();
        final long alsoWhileIdle = post("alice");

        // Then: no fan-out to bob any more, only to carol
        final List<FeedDelivery> sent = deliveriesOut.readValuesToList();
        assertThat(sent.stream().flatMap(delivery -> delivery.getUserIds().stream())).containsExactly("carol");
        assertThat(feedOf("bob")).containsExactly(before);
        assertThat(feedOf("carol")).containsExactly(alsoWhileIdle, whileIdle, before);

        // When: bob returns
        now = now.plusSeconds(60);
        seen("bob");

        // Then: his feed holds everything he missed, and fan-out to him resumes
        assertThat(user("bob").getInactive()).isFalse();
        assertThat(feedOf("bob")).containsExactly(alsoWhileIdle, whileIdle, before);
        final long after = post("alice");
        assertThat(feedOf("bob")).containsExactly(after, alsoWhileIdle, whileIdle, before);
    }

    @Test
    void shouldDropAnInsertThatArrivesAfterTheFollowerUnfollowed() {
        startDefaults();
        profile("alice");
        follow("bob", "alice", true);
        follow("bob", "alice", false);

        deliveries.pipeInput("bob", FeedDelivery.newBuilder().setKind(FeedDeliveryKind.INSERT)
                .setUserIds(List.of("bob")).setAuthorId("alice").setPostIds(List.of(42L)).build(), now);

        assertThat(storedFeedOf("bob")).isEmpty();
    }

    @Test
    void shouldAnswerAReplayedPostOnceAndKeepCountsExact() {
        startDefaults();
        profile("alice");
        follow("bob", "alice", true);
        final long postId = post("alice");

        // When: the same event is processed again, as after a crash before the commit
        posts.pipeInput("alice", PostPublished.newBuilder().setEventId(Long.toString(postId)).setTimestamp(now)
                .setPostId(postId).setAuthorId("alice").setText("post").build(), now);

        assertThat(user("alice").getPosts()).isEqualTo(1);
        assertThat(feedOf("bob")).containsExactly(postId);
        assertThat(driver.<String, Long>getKeyValueStore(FeedStores.FEED_SIZES).get("bob")).isEqualTo(1L);
    }

    @Test
    void shouldRejectInvalidPostsAndProfilesFromExternalProducers() {
        startDefaults();
        final String eventId = eventId();
        posts.pipeInput("alice", PostPublished.newBuilder().setEventId(eventId).setTimestamp(now).setPostId(1L)
                .setAuthorId("alice").setText("x".repeat(5_001)).build(), now);
        assertThat(outcomeOf(eventId).getHttpStatus()).isEqualTo(400);
        final String blank = eventId();
        profiles.pipeInput("alice", ProfileUpdated.newBuilder().setEventId(blank).setTimestamp(now)
                .setUserId("alice").setDisplayName("  ").build(), now);
        assertThat(outcomeOf(blank).getHttpStatus()).isEqualTo(400);
        assertThat(user("alice")).isNull();
    }

    @Test
    void shouldRejectAnEventProducedUnderAnotherUsersKeyAndCountIt() {
        startDefaults();
        final String eventId = eventId();

        posts.pipeInput("bob", PostPublished.newBuilder().setEventId(eventId).setTimestamp(now).setPostId(7L)
                .setAuthorId("alice").setText("keyed by the wrong user").build(), now);

        final OperationOutcome outcome = outcomeOf(eventId);
        assertThat(outcome.getHttpStatus()).isEqualTo(400);
        assertThat(outcome.getProblem().getDetail()).contains("'alice'");
        assertThat(user("alice")).isNull();
        assertThat(user("bob")).isNull();
        assertThat(feedMetric("misrouted-total")).isEqualTo(1.0);
    }

    @Test
    void shouldCountInsertsDeliveryRecordsAndIdleSkipsInMetrics() {
        start(800, 10_000, Duration.ofDays(30), 20, 5_000);
        profile("alice");
        follow("bob", "alice", true);
        follow("carol", "alice", true);
        final double insertsBefore = feedMetric("inserts-total");

        post("alice");
        now = now.plus(Duration.ofDays(31));
        seen("carol");
        post("alice");

        // alice's own feed twice, bob once (then idle), carol twice
        assertThat(feedMetric("inserts-total") - insertsBefore).isEqualTo(5.0);
        assertThat(feedMetric("skipped-idle-total")).isEqualTo(1.0);
        assertThat(feedMetric("delivery-records-total")).isGreaterThanOrEqualTo(2.0);
    }

    private double feedMetric(String name) {
        return driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals("stream-feed-metrics")
                        && metric.getKey().name().equals(name))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum();
    }
}
