package io.eventline.feed;

import io.eventline.chat.ChatTopics;
import io.eventline.chat.KnownUser;
import io.eventline.kafka.Partitions;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TopologyKit;
import io.eventline.streams.TopologyKit.Caching;
import io.eventline.streams.TopologyKit.Requests;
import io.eventline.topics.Topic;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The news feed. Everything about a user (profile, both sides of the follow graph, own posts, feed) lives on
 * the user's partition, so each step reads and writes local state only; steps that concern another user hand
 * over through an internal topic keyed by that user: deliveries to followers' feeds, graph changes to the
 * followee, posts to their ID's partition. Celebrities' posts go to a compacted table every instance holds.
 */
public final class FeedTopology {
    private FeedTopology() {
    }

    /** The feed alone, for tests. */
    public static Topology build(FeedSettings settings, EventSerdes serdes) {
        return TopologyKit.alone(FeedTopology::addTo, settings, serdes);
    }

    public static void addTo(StreamsBuilder builder, FeedSettings settings, EventSerdes serdes) {
        final TopologyKit kit = new TopologyKit(builder, serdes, "feed");
        final Partitions partitioning = new Partitions(settings.partitions());
        addStores(kit);
        final FeedChanges changes = settings.changes();

        step(kit, kit.source(FeedTopics.PROFILES, Requests.of(ProfileUpdated::getEventId, ProfileUpdated::getUserId)),
                () -> new ProfileKeeper(settings, partitioning, changes), "feed-keep-profile", "feed-profile-out-");
        step(kit, kit.source(FeedTopics.FOLLOWS,
                        Requests.of(FollowRequested::getEventId, FollowRequested::getFollowerId)),
                () -> new FollowGate(settings, partitioning), "feed-follow-gate", "feed-follow-out-");
        step(kit, kit.source(FeedTopics.POSTS, Requests.of(PostPublished::getEventId, PostPublished::getAuthorId)),
                () -> new PostPublisher(settings, partitioning), "feed-publish-post", "feed-publish-out-");
        step(kit, kit.source(FeedTopics.ACTIVITY), () -> new ActivityTracker(settings, partitioning),
                "feed-track-activity", "feed-activity-out-");
        step(kit, kit.source(FeedTopics.GRAPH_CHANGES), () -> new GraphKeeper(settings, partitioning),
                "feed-keep-graph", "feed-graph-out-");
        step(kit, kit.source(FeedTopics.DELIVERIES), () -> new FeedWriter(settings, partitioning),
                "feed-write-feeds", "feed-writer-out-");
        step(kit, kit.source(FeedTopics.DELETED_POSTS), () -> new PostCleaner(settings, partitioning),
                "feed-clean-deleted", "feed-cleaner-out-");

        final KStream<String, SpecificRecord> byPostId = kit.source(FeedTopics.STORED_POSTS)
                .mapValues(value -> (SpecificRecord) value, Named.as("feed-stored-as-record"))
                .merge(kit.source(FeedTopics.POST_DELETES, Requests.of(PostDeleteRequested::getEventId,
                                PostDeleteRequested::getRequesterId))
                        .mapValues(value -> (SpecificRecord) value, Named.as("feed-delete-as-record")),
                        Named.as("feed-by-post-id"));
        route(kit, byPostId.process(() -> new PostStore(changes), Named.as("feed-store-posts"), FeedStores.POSTS),
                "feed-post-store-out-");

        kit.globalTable(FeedTopics.CELEBRITY_POSTS, FeedStores.CELEBRITY_POSTS, "feed-celebrity-posts");
        kit.globalTable(FeedTopics.CELEBRITIES, FeedStores.CELEBRITIES, "feed-celebrities");
    }

    /** A step on a user's partition, with every user store, its outputs routed by type. */
    private static <V> void step(TopologyKit kit, KStream<String, V> in, Supplier<FeedProcessor<V>> processor,
                                 String name, String prefix) {
        route(kit, in.process(processor::get, Named.as(name), FeedState.storeNames()), prefix);
    }

    /** Sends each output of a step to its topic by type. */
    private static void route(TopologyKit kit, KStream<String, Object> out, String prefix) {
        kit.sinks(out, prefix)
                .to("outcome", OperationOutcome.class, OperationTopics.OUTCOMES)
                .to("delivery", FeedDelivery.class, FeedTopics.DELIVERIES)
                .to("graph", GraphChange.class, FeedTopics.GRAPH_CHANGES)
                .to("known-user", KnownUser.class, ChatTopics.KNOWN_USERS)
                .to("stored", value -> value instanceof PostChange change && change.getKind() == PostChangeKind.STORED,
                        PostChange.class::cast, FeedTopics.STORED_POSTS)
                .to("deleted", PostChange.class, FeedTopics.DELETED_POSTS)
                .to(tableName(FeedTopics.CELEBRITY_POSTS), tableWrite(FeedTopics.CELEBRITY_POSTS),
                        value -> FeedTopics.CELEBRITY_POSTS.valueType().cast(((TableWrite) value).value()),
                        FeedTopics.CELEBRITY_POSTS)
                .to(tableName(FeedTopics.CELEBRITIES), tableWrite(FeedTopics.CELEBRITIES),
                        value -> FeedTopics.CELEBRITIES.valueType().cast(((TableWrite) value).value()),
                        FeedTopics.CELEBRITIES)
                .end();
    }

    private static Predicate<Object> tableWrite(Topic<?> topic) {
        return value -> value instanceof TableWrite write && write.topic().equals(topic.name());
    }

    private static String tableName(Topic<?> topic) {
        return topic.name().replace('.', '-');
    }

    private static void addStores(TopologyKit kit) {
        // the cache coalesces repeated writes of hot keys (counts, user state) into one changelog record per commit
        kit.keyValueStore(FeedStores.USERS, kit.serde(UserState.class), Caching.CACHED);
        kit.keyValueStore(FeedStores.FOLLOWING, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(FeedStores.FOLLOWERS, kit.serde(FollowerEdge.class), Caching.CACHED);
        kit.keyValueStore(FeedStores.AUTHOR_POSTS, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(FeedStores.FEED, Serdes.String(), Caching.CACHED);
        kit.keyValueStore(FeedStores.FEED_SIZES, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(FeedStores.CELEBRITY_INDEX, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(FeedStores.FOLLOWED_CELEBRITIES, Serdes.Long(), Caching.CACHED);
        kit.keyValueStore(FeedStores.POSTS, kit.serde(Post.class), Caching.CACHED);
    }
}
