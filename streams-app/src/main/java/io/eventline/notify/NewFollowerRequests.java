package io.eventline.notify;

import io.eventline.feed.GraphChange;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * A new follow, as the feed accepted it, becomes a {@code new-follower} request for the followee. Its event ID is
 * derived from the follow's, so a replayed follow cannot notify twice.
 */
final class NewFollowerRequests implements FixedKeyProcessor<String, GraphChange, NotificationRequested> {
    private FixedKeyProcessorContext<String, NotificationRequested> context;

    @Override
    public void init(FixedKeyProcessorContext<String, NotificationRequested> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, GraphChange> record) {
        final GraphChange change = record.value();
        context.forward(record.withValue(NotificationRequested.newBuilder()
                .setEventId("follow:" + change.getEventId()).setUserId(change.getFolloweeId())
                .setTemplate(NotifyTopology.NEW_FOLLOWER).setParams(Map.of("follower", change.getFollowerId()))
                .setChannels(null).setCreatedAt(Instant.ofEpochMilli(record.timestamp())).setRequestedBy("feed")
                .build()));
    }
}
