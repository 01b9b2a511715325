package io.eventline.chat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Creates channels and changes their members, on the channel's partition, and tells the members. The step is
 * at-least-once: a change already made is told again, and the members' partitions take it as they would the
 * first time, so a crash between the change and its telling loses nothing.
 */
final class ChannelChanges extends ChatProcessor<ChannelChangeRequested> {
    private final ChatSettings settings;
    private final Fanout fanout;
    private KeyValueStore<String, Channel> channels;
    /** Global: values are timestamped, and only presence matters. */
    private KeyValueStore<String, ?> knownUsers;

    ChannelChanges(ChatSettings settings, Fanout fanout) {
        this.settings = settings;
        this.fanout = fanout;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        channels = context.getStateStore(ChatStores.CHANNELS);
        knownUsers = context.getStateStore(ChatStores.KNOWN_USERS);
    }

    @Override
    void handle(Record<String, ChannelChangeRequested> record) {
        final ChannelChangeRequested change = record.value();
        final Channel channel = channels.get(change.getChannelId());
        switch (change.getKind()) {
            case CREATE -> create(record, change, channel);
            case ADD_MEMBER -> add(record, change, channel);
            case REMOVE_MEMBER -> remove(record, change, channel);
            default -> throw new IllegalArgumentException("unknown change " + change.getKind());
        }
    }

    private void create(Record<String, ChannelChangeRequested> record, ChannelChangeRequested change,
                        Channel existing) {
        final String actor = change.getActorId();
        if (existing != null) {
            // a direct channel's ID is the pair's, so opening it again finds it; a group's is new every time,
            // so finding it means this very request was processed before
            final int status = existing.getType() == ChannelType.DIRECT ? 200 : 201;
            if (existing.getMembers().contains(actor)) {
                // told again: an actor refused at their channel limit before gets the channel once they have room
                tellAndAnswer(record, existing, List.of(), actor, change, status);
            } else if (existing.getCreatedBy().equals(actor)) {
                accepted(record, change.getEventId(), actor, status, ChatJson.channel(existing).toString());
            } else {
                notMember(record, change.getEventId(), actor, existing.getChannelId());
            }
            return;
        }
        final Set<String> members = new LinkedHashSet<>();
        members.add(actor);
        members.addAll(change.getMembers());
        final ChannelType type = change.getType() == null ? ChannelType.GROUP : change.getType();
        if (!members.stream().allMatch(ChatKeys::usable)) {
            invalid(record, change, "member IDs must be non-empty and free of control characters");
            return;
        }
        if (type == ChannelType.DIRECT && members.size() != 2) {
            invalid(record, change, "a direct channel has exactly two members, the creator and one other user");
            return;
        }
        if (type == ChannelType.GROUP && members.size() > settings.maxGroupMembers()) {
            groupFull(record, change, members.size());
            return;
        }
        // not the creator: their request reported them, though perhaps not yet as far as this store
        final List<String> unknown = type == ChannelType.GROUP
                ? others(new ArrayList<>(members), actor).stream().filter(member -> !isKnown(member)).toList()
                : List.of();
        if (!unknown.isEmpty()) {
            userNotFound(record, change, unknown);
            return;
        }
        final Channel channel = Channel.newBuilder().setChannelId(change.getChannelId()).setType(type)
                .setName(type == ChannelType.GROUP ? change.getName() : null).setCreatedBy(actor)
                .setCreatedAt(Instant.ofEpochMilli(record.timestamp())).setMembers(new ArrayList<>(members))
                .setLastMessageId(0).build();
        channels.put(channel.getChannelId(), channel);
        tellAndAnswer(record, channel, others(channel.getMembers(), actor), actor, change, 201);
    }

    private void add(Record<String, ChannelChangeRequested> record, ChannelChangeRequested change, Channel channel) {
        final String actor = change.getActorId();
        final String member = change.getMemberId();
        if (!allowedToChange(record, change, channel)) {
            return;
        }
        if (!ChatKeys.usable(member)) {
            invalid(record, change, "memberId must be a user ID");
            return;
        }
        if (channel.getMembers().contains(member)) {
            // the member's partition answers: it takes the member in if the first telling was cut short by a crash
            tellAndAnswer(record, channel, List.of(), member, change, 200);
            return;
        }
        if (channel.getMembers().size() >= settings.maxGroupMembers()) {
            groupFull(record, change, channel.getMembers().size() + 1);
            return;
        }
        if (!isKnown(member)) {
            userNotFound(record, change, List.of(member));
            return;
        }
        final List<String> members = new ArrayList<>(channel.getMembers());
        members.add(member);
        channel.setMembers(members);
        channels.put(channel.getChannelId(), channel);
        tellAndAnswer(record, channel, others(members, member), member, change, 200);
    }

    private void remove(Record<String, ChannelChangeRequested> record, ChannelChangeRequested change,
                        Channel channel) {
        final String actor = change.getActorId();
        final String member = change.getMemberId();
        if (!allowedToChange(record, change, channel)) {
            return;
        }
        if (!channel.getMembers().contains(member)) {
            // told again, in case a crash cut the first telling short; a partition without the view ignores it
            tell(record, channel, List.of(member), true, change.getEventId());
            rejected(record, change.getEventId(), actor, 404, "member-not-found", "Not a member",
                    "'" + member + "' is not a member of this channel");
            return;
        }
        if (!actor.equals(member) && !actor.equals(channel.getCreatedBy())) {
            rejected(record, change.getEventId(), actor, 403, "not-allowed", "Not allowed",
                    "only the channel's creator removes others; anyone may remove themselves");
            return;
        }
        final List<String> members = new ArrayList<>(channel.getMembers());
        members.remove(member);
        channel.setMembers(members);
        channels.put(channel.getChannelId(), channel);
        tell(record, channel, members, false, change.getEventId());
        tell(record, channel, List.of(member), true, change.getEventId());
        accepted(record, change.getEventId(), actor, 204, null);
    }

    /** Whether the channel exists, the actor is a member and it is a group; rejects the change if not. */
    private boolean allowedToChange(Record<String, ChannelChangeRequested> record, ChannelChangeRequested change,
                                    Channel channel) {
        if (channel == null) {
            channelNotFound(record, change.getEventId(), change.getActorId(), change.getChannelId());
            return false;
        }
        if (!channel.getMembers().contains(change.getActorId())) {
            notMember(record, change.getEventId(), change.getActorId(), channel.getChannelId());
            return false;
        }
        if (channel.getType() == ChannelType.DIRECT) {
            rejected(record, change.getEventId(), change.getActorId(), 409, "direct-channel", "Direct channel",
                    "the members of a direct channel are fixed");
            return false;
        }
        return true;
    }

    private void tell(Record<?, ?> record, Channel channel, List<String> users, boolean removed, String eventId) {
        fanout.channel(users, fanout.viewOf(channel, Instant.ofEpochMilli(record.timestamp())), removed, eventId,
                out -> emit(record, out.key, out.value));
    }

    /**
     * Tells {@code others} of the channel, and {@code admitted} with the answer to the change: that user's
     * partition keeps their channel count, so it answers once it has taken them in, or refuses at their limit.
     */
    private void tellAndAnswer(Record<?, ?> record, Channel channel, List<String> others, String admitted,
                               ChannelChangeRequested change, int status) {
        final ChannelView view = fanout.viewOf(channel, Instant.ofEpochMilli(record.timestamp()));
        fanout.channel(others, view, false, change.getEventId(), out -> emit(record, out.key, out.value));
        final KeyValue<String, ChatFanout> admission = fanout.admission(admitted, view, change.getEventId(),
                new ChatAnswer(change.getActorId(), status, ChatJson.channel(channel).toString()));
        emit(record, admission.key, admission.value);
    }

    private static List<String> others(List<String> members, String except) {
        return members.stream().filter(member -> !member.equals(except)).toList();
    }

    /** Whether {@code userId} presented a valid token or has a profile: nobody can add a made-up user. */
    private boolean isKnown(String userId) {
        return knownUsers.get(userId) != null;
    }

    private void userNotFound(Record<?, ?> record, ChannelChangeRequested change, List<String> unknown) {
        rejected(record, change.getEventId(), change.getActorId(), 404, "user-not-found", "User not found",
                "no user " + String.join(", ", unknown) + ": only users who have signed in can be added to a group");
    }

    private void groupFull(Record<?, ?> record, ChannelChangeRequested change, int wouldBe) {
        rejected(record, change.getEventId(), change.getActorId(), 409, "group-full", "Group full",
                "a group has at most " + settings.maxGroupMembers() + " members; this would make " + wouldBe);
    }

    private void invalid(Record<?, ?> record, ChannelChangeRequested change, String detail) {
        rejected(record, change.getEventId(), change.getActorId(), 400, "invalid-request", "Invalid channel",
                detail);
    }
}
