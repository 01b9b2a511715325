package io.eventline.feed;

import io.eventline.chat.ChatTopics;
import io.eventline.chat.KnownUser;
import io.eventline.kafka.Partitions;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.platform.FeedSettings;
import io.eventline.serde.EventSerdes;
import io.eventline.streams.TypedSinks;
import io.eventline.topics.Topic;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.BranchedKStream;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The news feed. Everything about a user (profile, both sides of the follow graph, own posts, feed) lives on
 * the user's partition, so each step reads and writes local state only; steps that concern another user hand
 * over through an internal topic keyed by that user: deliveries to followers' feeds, graph changes to the
 * followee, posts to their ID's partition. Celebrities' posts go to a compacted table every instance holds.
 */
public final class FeedTopology {
    private FeedTopology() {
    }

    /**
     * @param partitions the partition count of every feed topic, which fan-out needs to group followers by
     *                   destination partition
     */
    public static void addTo(StreamsBuilder builder, FeedSettings settings, int partitions, EventSerdes serdes) {
        addTo(builder, settings, partitions, serdes, FeedChanges.NONE);
    }

    /** @param changes told of each change of a post or profile on the instance that owns it */
    public static void addTo(StreamsBuilder builder, FeedSettings settings, int partitions, EventSerdes serdes,
                             FeedChanges changes) {
        final Partitions partitioning = new Partitions(partitions);
        addStores(builder, serdes);
        final String[] userStores = FeedState.storeNames();

        route(source(builder, FeedTopics.PROFILES, serdes)
                .process(supplier(() -> new ProfileKeeper(settings, partitioning, changes)), Named.as("feed-keep-profile"),
                        userStores), "feed-profile-out-", serdes);
        route(source(builder, FeedTopics.FOLLOWS, serdes)
                .process(supplier(() -> new FollowGate(settings, partitioning)), Named.as("feed-follow-gate"),
                        userStores), "feed-follow-out-", serdes);
        route(source(builder, FeedTopics.POSTS, serdes)
                .process(supplier(() -> new PostPublisher(settings, partitioning)), Named.as("feed-publish-post"),
                        userStores), "feed-publish-out-", serdes);
        route(source(builder, FeedTopics.ACTIVITY, serdes)
                .process(supplier(() -> new ActivityTracker(settings, partitioning)), Named.as("feed-track-activity"),
                        userStores), "feed-activity-out-", serdes);
        route(source(builder, FeedTopics.GRAPH_CHANGES, serdes)
                .process(supplier(() -> new GraphKeeper(settings, partitioning)), Named.as("feed-keep-graph"),
                        userStores), "feed-graph-out-", serdes);
        route(source(builder, FeedTopics.DELIVERIES, serdes)
                .process(supplier(() -> new FeedWriter(settings, partitioning)), Named.as("feed-write-feeds"),
                        userStores), "feed-writer-out-", serdes);
        route(source(builder, FeedTopics.DELETED_POSTS, serdes)
                .process(supplier(() -> new PostCleaner(settings, partitioning)), Named.as("feed-clean-deleted"),
                        userStores), "feed-cleaner-out-", serdes);

        final KStream<String, SpecificRecord> byPostId = source(builder, FeedTopics.STORED_POSTS, serdes)
                .mapValues(value -> (SpecificRecord) value, Named.as("feed-stored-as-record"))
                .merge(source(builder, FeedTopics.POST_DELETES, serdes)
                        .mapValues(value -> (SpecificRecord) value, Named.as("feed-delete-as-record")),
                        Named.as("feed-by-post-id"));
        route(byPostId.process(() -> new PostStore(changes), Named.as("feed-store-posts"), FeedStores.POSTS),
                "feed-post-store-out-", serdes);

        builder.globalTable(FeedTopics.CELEBRITY_POSTS.name(),
                Consumed.with(Serdes.String(), serdes.of(Post.class)).withName("feed-celebrity-posts"),
                Materialized.<String, Post, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(
                        FeedStores.CELEBRITY_POSTS).withKeySerde(Serdes.String()).withValueSerde(serdes.of(Post.class)));
        builder.globalTable(FeedTopics.CELEBRITIES.name(),
                Consumed.with(Serdes.String(), serdes.of(CelebrityStatus.class)).withName("feed-celebrities"),
                Materialized.<String, CelebrityStatus, KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(
                        FeedStores.CELEBRITIES).withKeySerde(Serdes.String())
                        .withValueSerde(serdes.of(CelebrityStatus.class)));
    }

    private static <V> ProcessorSupplier<String, V, String, Object> supplier(ProcessorSupplier<String, V, String, Object> s) {
        return s;
    }

    private static <V extends SpecificRecord> KStream<String, V> source(StreamsBuilder builder, Topic<V> topic,
                                                                       EventSerdes serdes) {
        return builder.stream(topic.name(), Consumed.with(Serdes.String(), serdes.of(topic.valueType()))
                .withName(topic.name() + "-source"));
    }

    /** Sends each output of a step to its topic by type. */
    private static void route(KStream<String, Object> out, String prefix, EventSerdes serdes) {
        final BranchedKStream<String, Object> split = out.split(Named.as(prefix));
        TypedSinks.sink(split, prefix, "outcome", OperationOutcome.class, OperationTopics.OUTCOMES, serdes);
        TypedSinks.sink(split, prefix, "delivery", FeedDelivery.class, FeedTopics.DELIVERIES, serdes);
        TypedSinks.sink(split, prefix, "graph", GraphChange.class, FeedTopics.GRAPH_CHANGES, serdes);
        TypedSinks.sink(split, prefix, "known-user", KnownUser.class, ChatTopics.KNOWN_USERS, serdes);
        split.branch((key, value) -> value instanceof PostChange change && change.getKind() == PostChangeKind.STORED,
                Branched.withConsumer(stream -> stream.mapValues(value -> (PostChange) value)
                        .to(FeedTopics.STORED_POSTS.name(),
                                TypedSinks.produced(FeedTopics.STORED_POSTS, serdes, prefix)),
                        "stored"));
        split.branch((key, value) -> value instanceof PostChange,
                Branched.withConsumer(stream -> stream.mapValues(value -> (PostChange) value)
                        .to(FeedTopics.DELETED_POSTS.name(),
                                TypedSinks.produced(FeedTopics.DELETED_POSTS, serdes, prefix)),
                        "deleted"));
        tableSink(split, prefix, FeedTopics.CELEBRITY_POSTS, serdes);
        tableSink(split, prefix, FeedTopics.CELEBRITIES, serdes);
        split.noDefaultBranch();
    }

    private static <V extends SpecificRecord> void tableSink(BranchedKStream<String, Object> split, String prefix,
                                                             Topic<V> topic, EventSerdes serdes) {
        final String name = topic.name().replace('.', '-');
        split.branch((key, value) -> value instanceof TableWrite write && write.topic().equals(topic.name()),
                Branched.withConsumer(stream -> stream
                        .mapValues(value -> topic.valueType().cast(((TableWrite) value).value()),
                                Named.as(prefix + name + "-value"))
                        .to(topic.name(), TypedSinks.produced(topic, serdes, prefix)), name));
    }

    private static void addStores(StreamsBuilder builder, EventSerdes serdes) {
        final Serde<String> strings = Serdes.String();
        final Serde<Long> longs = Serdes.Long();
        builder.addStateStore(store(FeedStores.USERS, strings, serdes.of(UserState.class)));
        builder.addStateStore(store(FeedStores.FOLLOWING, strings, longs));
        builder.addStateStore(store(FeedStores.FOLLOWERS, strings, serdes.of(FollowerEdge.class)));
        builder.addStateStore(store(FeedStores.AUTHOR_POSTS, strings, longs));
        builder.addStateStore(store(FeedStores.FEED, strings, strings));
        builder.addStateStore(store(FeedStores.FEED_SIZES, strings, longs));
        builder.addStateStore(store(FeedStores.CELEBRITY_INDEX, strings, longs));
        builder.addStateStore(store(FeedStores.FOLLOWED_CELEBRITIES, strings, longs));
        builder.addStateStore(store(FeedStores.POSTS, strings, serdes.of(Post.class)));
    }

    private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<String> keys, Serde<V> values) {
        // the cache coalesces repeated writes of hot keys (counts, user state) into one changelog record per commit
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), keys, values).withCachingEnabled();
    }
}
