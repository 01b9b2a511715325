package io.eventline.feed;

import io.eventline.http.ApiRoute;
import io.eventline.ops.KeyKind;
import io.eventline.ops.KeyPlaces;
import io.eventline.ops.KeyedStore;
import io.eventline.ops.KeyedTopic;
import io.eventline.platform.Domain;
import io.eventline.platform.InstanceBasics;
import io.eventline.platform.SharedServices;
import io.eventline.topics.Topic;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import org.apache.kafka.streams.StreamsBuilder;

/** Posts, follows and profiles, and the feeds built from them. */
public final class FeedDomain implements Domain {
    private FeedItemCache items;
    private List<ApiRoute> routes = List.of();

    @Override
    public List<Topic<?>> topics() {
        return FeedTopics.ALL;
    }

    @Override
    public void beforeStreams(InstanceBasics basics) {
        items = new FeedItemCache(basics.config().feed().cacheBytes());
    }

    /** The feed topology tells the item cache of each change of a post or profile this instance owns. */
    @Override
    public void addStreams(StreamsBuilder atLeastOnce, StreamsBuilder exactlyOnce, InstanceBasics basics) {
        FeedTopology.addTo(atLeastOnce, basics.config().feed().withChanges(items), basics.serdes());
    }

    @Override
    public void start(SharedServices services) {
        routes = new FeedRoutes(services.routeServices(services.writes(), services.router()), items).routes();
    }

    @Override
    public List<ApiRoute> routes() {
        return routes;
    }

    /** A user's posts, follows, profile, activity and follow-graph changes, and the stores of their feed. */
    @Override
    public KeyPlaces keyPlaces() {
        return KeyPlaces.builder()
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.POSTS, post -> new KeyedTopic.Told("published",
                        "post " + post.getPostId() + ": " + KeyedTopic.excerpt(post.getText()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.FOLLOWS, follow -> new KeyedTopic.Told(
                        follow.getFollow() ? "follow" : "unfollow", (follow.getFollow() ? "follows " : "unfollows ")
                        + follow.getFolloweeId())))
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.PROFILES, profile -> new KeyedTopic.Told(
                        "profile updated", "display name " + KeyedTopic.excerpt(profile.getDisplayName()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.ACTIVITY, seen -> new KeyedTopic.Told("seen",
                        "active at " + seen.getTimestamp())))
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.GRAPH_CHANGES, change -> new KeyedTopic.Told(
                        KeyedTopic.word(change.getKind()), "follower " + change.getFollowerId() + " "
                        + KeyedTopic.word(change.getKind()))))
                .topic(KeyedTopic.keyed(KeyKind.USER, FeedTopics.DELETED_POSTS, change -> new KeyedTopic.Told(
                        "deleted", "post " + change.getPost().getPostId() + " removed from its author's list and "
                        + "every feed")))
                .stores(KeyKind.USER, KeyedStore.Application.AT_LEAST_ONCE, FeedStores.USERS, FeedStores.FEED,
                        FeedStores.AUTHOR_POSTS, FeedStores.FOLLOWING, FeedStores.FOLLOWERS)
                .build();
    }

    @Override
    public List<MeterBinder> meterBinders() {
        return List.of(items);
    }
}
