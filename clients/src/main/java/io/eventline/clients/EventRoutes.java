package io.eventline.clients;

import io.eventline.chat.ChannelChangeRequested;
import io.eventline.chat.ChatCursorMoved;
import io.eventline.chat.ChatMessageSent;
import io.eventline.chat.ChatTopics;
import io.eventline.chat.KnownUser;
import io.eventline.chat.PresenceSignal;
import io.eventline.feed.FeedTopics;
import io.eventline.feed.FollowRequested;
import io.eventline.feed.PostDeleteRequested;
import io.eventline.feed.PostPublished;
import io.eventline.feed.ProfileUpdated;
import io.eventline.feed.UserSeen;
import io.eventline.notify.DeliveryStatusChanged;
import io.eventline.notify.InboxEntry;
import io.eventline.notify.NotificationDeadLettered;
import io.eventline.notify.NotificationRequested;
import io.eventline.notify.NotificationTemplate;
import io.eventline.notify.NotifyTopics;
import io.eventline.notify.RecipientChange;
import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.operations.OutcomePartitioner;
import io.eventline.ratelimit.RateLimitCheckRequested;
import io.eventline.ratelimit.RateLimitDecision;
import io.eventline.ratelimit.RateLimitKeys;
import io.eventline.ratelimit.RateLimitRejected;
import io.eventline.ratelimit.RateLimitRules;
import io.eventline.ratelimit.RateLimitTopics;
import io.eventline.shorturl.LinkClicked;
import io.eventline.shorturl.LinkCreated;
import io.eventline.shorturl.ShortUrlRequested;
import io.eventline.shorturl.ShortUrlTopics;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The topic and key of every event type that Eventline accepts from producers. */
public final class EventRoutes {
    private static final Map<Class<?>, EventRoute<?>> ROUTES = Map.ofEntries(
            route(ProfileUpdated.class, new EventRoute<>(FeedTopics.PROFILES, ProfileUpdated::getUserId)),
            route(FollowRequested.class, new EventRoute<>(FeedTopics.FOLLOWS, FollowRequested::getFollowerId)),
            route(PostPublished.class, new EventRoute<>(FeedTopics.POSTS, PostPublished::getAuthorId)),
            route(PostDeleteRequested.class,
                    new EventRoute<>(FeedTopics.POST_DELETES, delete -> Long.toString(delete.getPostId()))),
            route(UserSeen.class, new EventRoute<>(FeedTopics.ACTIVITY, UserSeen::getUserId)),
            route(ShortUrlRequested.class, new EventRoute<>(ShortUrlTopics.REQUESTS, ShortUrlRequested::getUserId)),
            route(LinkCreated.class, new EventRoute<>(ShortUrlTopics.LINKS, LinkCreated::getCode)),
            route(LinkClicked.class, new EventRoute<>(ShortUrlTopics.CLICKS, LinkClicked::getCode)),
            route(OperationOutcome.class, new EventRoute<>(OperationTopics.OUTCOMES, OperationOutcome::getEventId,
                    new OutcomePartitioner())),
            route(RateLimitRules.class, new EventRoute<>(RateLimitTopics.RULES, RateLimitRules::getDomain)),
            route(RateLimitCheckRequested.class,
                    new EventRoute<>(RateLimitTopics.CHECKS, RateLimitKeys::counterKey)),
            route(RateLimitDecision.class, new EventRoute<>(RateLimitTopics.DECISIONS, RateLimitDecision::getCheckId)),
            route(RateLimitRejected.class, new EventRoute<>(RateLimitTopics.REJECTIONS, RateLimitRejected::getDomain)),
            route(NotificationRequested.class,
                    new EventRoute<>(NotifyTopics.REQUESTS, NotificationRequested::getUserId)),
            route(NotificationTemplate.class, new EventRoute<>(NotifyTopics.TEMPLATES, NotificationTemplate::getName)),
            route(RecipientChange.class, new EventRoute<>(NotifyTopics.RECIPIENTS, RecipientChange::getUserId)),
            route(InboxEntry.class, new EventRoute<>(NotifyTopics.INAPP, InboxEntry::getUserId)),
            route(DeliveryStatusChanged.class,
                    new EventRoute<>(NotifyTopics.STATUS, DeliveryStatusChanged::getEventId)),
            route(NotificationDeadLettered.class,
                    new EventRoute<>(NotifyTopics.DEAD_LETTERS, NotificationDeadLettered::getUserId)),
            route(ChannelChangeRequested.class,
                    new EventRoute<>(ChatTopics.CHANNEL_CHANGES, ChannelChangeRequested::getChannelId)),
            route(ChatMessageSent.class, new EventRoute<>(ChatTopics.MESSAGES, ChatMessageSent::getChannelId)),
            route(PresenceSignal.class, new EventRoute<>(ChatTopics.PRESENCE, PresenceSignal::getUserId)),
            route(ChatCursorMoved.class, new EventRoute<>(ChatTopics.CURSORS, ChatCursorMoved::getUserId)),
            route(KnownUser.class, new EventRoute<>(ChatTopics.KNOWN_USERS, KnownUser::getUserId)));

    private EventRoutes() {
    }

    private static <V extends SpecificRecord> Map.Entry<Class<?>, EventRoute<?>> route(Class<V> type,
                                                                                     EventRoute<V> route) {
        return Map.entry(type, route);
    }

    /** The route of {@code type}; an unknown type is a programming error. */
    @SuppressWarnings("unchecked")
    public static <V extends SpecificRecord> EventRoute<V> of(Class<V> type) {
        final EventRoute<V> route = (EventRoute<V>) ROUTES.get(type);
        if (route == null) {
            throw new IllegalArgumentException("no topic is defined for event type " + type.getName());
        }
        return route;
    }
}
