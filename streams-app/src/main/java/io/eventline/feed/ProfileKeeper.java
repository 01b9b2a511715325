package io.eventline.feed;

import io.eventline.chat.KnownUser;
import io.eventline.kafka.Partitions;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Sets a user's display name, on the user's partition. */
final class ProfileKeeper extends FeedProcessor<ProfileUpdated> {
    static final int MAX_DISPLAY_NAME = 64;

    private final FeedChanges changes;

    ProfileKeeper(FeedSettings settings, Partitions partitions, FeedChanges changes) {
        super(settings, partitions);
        this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        changes.ownershipChanged();
    }

    @Override
    public void close() {
        changes.ownershipChanged();
    }

    @Override
    void handle(Record<String, ProfileUpdated> record) {
        final ProfileUpdated update = record.value();
        final String name = update.getDisplayName();
        if (name == null || name.isBlank() || name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME) {
            rejected(record, update.getEventId(), update.getUserId(), 400, "invalid-request", "Invalid profile",
                    "displayName must be 1-" + MAX_DISPLAY_NAME + " characters and not blank");
            return;
        }
        final UserState user = state.user(update.getUserId());
        user.setDisplayName(name);
        final long missedSince = state.markActive(user, record.timestamp());
        state.users.put(user.getUserId(), user);
        // after the store and before the 200: no cached name outlives the answer
        changes.profileChanged(user.getUserId());
        resumeFanOut(record, user.getUserId(), missedSince);
        accepted(record, update.getEventId(), user.getUserId(), 200, FeedJson.profile(user).toString());
        // a user with a profile may be added to chat groups, even one whose profile was produced straight to Kafka
        emit(record, user.getUserId(), KnownUser.newBuilder().setUserId(user.getUserId())
                .setSeenAt(Instant.ofEpochMilli(record.timestamp())).build());
    }
}
