package io.eventline.feed;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.Outcomes;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Posts by ID, on the post's partition: stores new posts and answers them, and deletes posts on their
 * author's request. The answer to a post comes from here, after the author's own feed and lists already hold
 * it, so the author reads their post in their feed as soon as they are told it exists.
 */
final class PostStore implements Processor<String, SpecificRecord, String, Object> {
    private final FeedChanges changes;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, Post> posts;

    PostStore(FeedChanges changes) {
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.posts = context.getStateStore(FeedStores.POSTS);
        changes.ownershipChanged();
    }

    @Override
    public void close() {
        changes.ownershipChanged();
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
        if (record.value() instanceof PostChange change && change.getKind() == PostChangeKind.STORED) {
            store(record, change);
        } else if (record.value() instanceof PostDeleteRequested request) {
            delete(record, request);
        }
    }

    private void store(Record<String, SpecificRecord> record, PostChange change) {
        final Post post = change.getPost();
        final String id = Long.toString(post.getPostId());
        if (posts.get(id) == null) {
            posts.put(id, post);
        }
        outcome(record, Outcomes.accepted(change.getEventId(), post.getAuthorId(), 201,
                FeedJson.post(post, change.getAuthorDisplayName()).toString(), at(record)));
    }

    private void delete(Record<String, SpecificRecord> record, PostDeleteRequested request) {
        final String id = Long.toString(request.getPostId());
        final Post post = posts.get(id);
        if (post == null) {
            outcome(record, Outcomes.rejected(request.getEventId(), request.getRequesterId(), 404, "not-found",
                    "Unknown post", "no post " + id, at(record)));
        } else if (!post.getAuthorId().equals(request.getRequesterId())) {
            outcome(record, Outcomes.rejected(request.getEventId(), request.getRequesterId(), 403, "forbidden",
                    "Not your post", "only the author may delete post " + id, at(record)));
        } else {
            posts.delete(id);
            // after the store and before the 204: no cached copy outlives the answer
            changes.postDeleted(id);
            context.forward(record.withKey(post.getAuthorId()).withValue(PostChange.newBuilder()
                    .setKind(PostChangeKind.DELETED).setEventId(request.getEventId()).setPost(post).build()));
            outcome(record, Outcomes.accepted(request.getEventId(), request.getRequesterId(), 204, null, at(record)));
        }
    }

    private void outcome(Record<String, SpecificRecord> record, OperationOutcome outcome) {
        context.forward(record.withKey(outcome.getEventId()).withValue(outcome));
    }

    private static Instant at(Record<String, ?> record) {
        return Instant.ofEpochMilli(record.timestamp());
    }
}
