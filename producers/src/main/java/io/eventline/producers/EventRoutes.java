package io.eventline.producers;

import io.eventline.operations.OperationOutcome;
import io.eventline.operations.OperationTopics;
import io.eventline.shorturl.LinkClicked;
import io.eventline.shorturl.LinkCreated;
import io.eventline.shorturl.ShortUrlRequested;
import io.eventline.shorturl.ShortUrlTopics;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** The topic and key of every event type that Eventline accepts from producers. */
public final class EventRoutes {
    private static final Map<Class<?>, EventRoute<?>> ROUTES = Map.of(
            ShortUrlRequested.class, new EventRoute<>(ShortUrlTopics.REQUESTS, ShortUrlRequested::getUserId),
            LinkCreated.class, new EventRoute<>(ShortUrlTopics.LINKS, LinkCreated::getCode),
            LinkClicked.class, new EventRoute<>(ShortUrlTopics.CLICKS, LinkClicked::getCode),
            OperationOutcome.class, new EventRoute<>(OperationTopics.OUTCOMES, OperationOutcome::getEventId));

    private EventRoutes() {
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
