package io.eventline.feed;

import io.eventline.kafka.Partitions;
import org.apache.kafka.streams.processor.api.Record;

/** Notes a user's activity; a user returning after inactivity gets fan-out again and what they missed. */
final class ActivityTracker extends FeedProcessor<UserSeen> {
    ActivityTracker(FeedSettings settings, Partitions partitions) {
        super(settings, partitions);
    }

    @Override
    void handle(Record<String, UserSeen> record) {
        final UserState user = state.user(record.value().getUserId());
        final long missedSince = state.markActive(user, record.timestamp());
        state.users.put(user.getUserId(), user);
        resumeFanOut(record, user.getUserId(), missedSince);
    }
}
