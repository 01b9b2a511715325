package io.eventline.feed;

import io.eventline.kafka.Partitions;
import java.util.List;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A deleted post, on its author's partition: taken out of the author's lists, the celebrity table and every
 * follower's feed. Readers stop seeing it before this runs, because a post missing from the posts store is
 * skipped when a feed is read.
 */
final class PostCleaner extends FeedProcessor<PostChange> {
    PostCleaner(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, PostChange> record) {
        final Post post = record.value().getPost();
        final String authorId = post.getAuthorId();
        final long postId = post.getPostId();
        final String key = FeedKeys.post(authorId, postId);
        final UserState author = state.user(authorId);
        if (state.authorPosts.delete(key) != null) {
            author.setPosts(Math.max(0, author.getPosts() - 1));
        }
        state.remove(authorId, postId);
        if (state.celebrityIndex.delete(key) != null) {
            author.setCelebrityPosts(Math.max(0, author.getCelebrityPosts() - 1));
            emit(record, key, new TableWrite(FeedTopics.CELEBRITY_POSTS.name(), null));
            emit(record, authorId, new TableWrite(FeedTopics.CELEBRITIES.name(), author.getCelebrityPosts() == 0
                    ? null
                    : CelebrityStatus.newBuilder().setAuthorId(authorId).setPosts(author.getCelebrityPosts())
                            .setCelebrity(author.getCelebrity()).build()));
        }
        unlistIfOrdinary(record, author);
        state.users.put(authorId, author);
        // every follower, also the inactive: their feeds may hold the post from before they went idle
        deliver(record, FeedDeliveryKind.REMOVE, state.followersOf(authorId), authorId, List.of(postId), null);
    }
}
