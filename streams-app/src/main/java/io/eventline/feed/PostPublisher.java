package io.eventline.feed;

import io.eventline.kafka.Partitions;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A new post, on its author's partition: listed among the author's posts and in the author's own feed, then
 * fanned out to the author's active followers (one delivery per destination partition) or, for a celebrity,
 * written once to the celebrity table that every instance merges at read time. The post itself goes on to be
 * stored by ID, where it is answered.
 */
final class PostPublisher extends FeedProcessor<PostPublished> {
    static final int MAX_TEXT = 5_000;

    PostPublisher(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, PostPublished> record) {
        final PostPublished published = record.value();
        final String authorId = published.getAuthorId();
        final String text = published.getText();
        if (text == null || text.isBlank() || text.codePointCount(0, text.length()) > MAX_TEXT) {
            rejected(record, published.getEventId(), authorId, 400, "invalid-request", "Invalid post",
                    "text must be 1-" + MAX_TEXT + " characters and not blank");
            return;
        }
        final long postId = published.getPostId();
        final String key = FeedKeys.post(authorId, postId);
        final UserState author = state.user(authorId);
        final long missedSince = state.markActive(author, record.timestamp());
        if (state.authorPosts.get(key) == null) {
            state.authorPosts.put(key, postId);
            author.setPosts(author.getPosts() + 1);
        }
        state.insert(authorId, postId, authorId);
        final Post post = Post.newBuilder().setPostId(postId).setAuthorId(authorId).setText(text)
                .setCreatedAt(published.getTimestamp()).build();
        // ahead of the fan-out, so the answer does not wait behind a large fan-out's deliveries; the author's own
        // feed and lists hold the post already
        emit(record, Long.toString(postId), PostChange.newBuilder().setKind(PostChangeKind.STORED)
                .setEventId(published.getEventId()).setPost(post).setAuthorDisplayName(author.getDisplayName()).build());
        if (author.getCelebrity()) {
            metrics.celebrityPosts.record();
            publishToCelebrityTable(record, author, post, key);
            // listed when crossing the threshold; this lists an author whose state predates the lists
            listCelebrity(record, author, false);
        } else {
            unlistIfOrdinary(record, author);
            deliver(record, FeedDeliveryKind.INSERT, activeFollowers(authorId), authorId, List.of(postId), null);
        }
        state.users.put(authorId, author);
        resumeFanOut(record, authorId, missedSince);
    }

    private List<String> activeFollowers(String authorId) {
        final List<String> active = new ArrayList<>();
        try (KeyValueIterator<String, FollowerEdge> edges = state.followers.range(FeedKeys.prefix(authorId),
                FeedKeys.end(authorId))) {
            while (edges.hasNext()) {
                final KeyValue<String, FollowerEdge> edge = edges.next();
                if (edge.value.getActive()) {
                    active.add(FeedKeys.otherOf(edge.key, authorId));
                }
            }
        }
        return active;
    }

    /** O(1) whatever the follower count; the table keeps each celebrity's newest posts, up to the feed cap. */
    private void publishToCelebrityTable(Record<String, PostPublished> record, UserState author, Post post,
                                         String key) {
        final String authorId = author.getUserId();
        if (state.celebrityIndex.get(key) == null) {
            state.celebrityIndex.put(key, post.getPostId());
            author.setCelebrityPosts(author.getCelebrityPosts() + 1);
        }
        emit(record, key, new TableWrite(FeedTopics.CELEBRITY_POSTS.name(), post));
        if (author.getCelebrityPosts() > settings.feedCap()) {
            try (KeyValueIterator<String, Long> oldest = state.celebrityIndex.reverseRange(FeedKeys.prefix(authorId),
                    FeedKeys.end(authorId))) {
                if (oldest.hasNext()) {
                    final String agedOut = oldest.next().key;
                    state.celebrityIndex.delete(agedOut);
                    author.setCelebrityPosts(author.getCelebrityPosts() - 1);
                    emit(record, agedOut, new TableWrite(FeedTopics.CELEBRITY_POSTS.name(), null));
                }
            }
        }
        emit(record, authorId, new TableWrite(FeedTopics.CELEBRITIES.name(), CelebrityStatus.newBuilder()
                .setAuthorId(authorId).setPosts(author.getCelebrityPosts()).setCelebrity(true).build()));
    }
}
