package io.eventline.ops;

import io.eventline.topics.Topic;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * A topic that carries events about one kind of key, and how to tell what became of each.
 *
 * @param kind        the kind of key
 * @param topic       the topic
 * @param placedBy    the record key that places the key's events on a partition, from the canonical key; null when
 *                    the topic is keyed by something else, so every partition's tail is read
 * @param recordKeyed whether every event about the key carries exactly {@code placedBy}'s key as its record key,
 *                    so that records under other keys are skipped without being read
 * @param about       whether an event is about the (canonical) key
 * @param tellers     a teller of what became of each event and a one-line summary, made once per story and
 *                    told the key's events of a partition in their order (so it may replay them)
 */
public record KeyedTopic<V extends SpecificRecord>(KeyKind kind, Topic<V> topic, Function<String, String> placedBy,
                                                   boolean recordKeyed, BiPredicate<V, String> about,
                                                   Supplier<Function<V, Told>> tellers) {

    /** What became of an event, and what it was, in one line. */
    public record Told(String outcome, String summary) {
    }

    /** The start of {@code text}, for a one-line summary. */
    public static String excerpt(String text) {
        if (text == null) {
            return "";
        }
        final String line = text.replaceAll("\\s+", " ");
        return line.length() > 60 ? "\"" + line.substring(0, 60) + "…\"" : "\"" + line + "\"";
    }

    /** An enum symbol as outcomes are written, lower case. */
    public static String word(Object symbol) {
        return String.valueOf(symbol).toLowerCase(java.util.Locale.ROOT);
    }

    /** Events keyed by the key itself, as the topic keys them. */
    public static <V extends SpecificRecord> KeyedTopic<V> keyed(KeyKind kind, Topic<V> topic,
                                                                 Function<V, Told> tell) {
        return new KeyedTopic<>(kind, topic, Function.identity(), !topic.anyKey(),
                (event, key) -> key.equals(topic.keyOf(event)), () -> tell);
    }

    /** As {@link #keyed}, told in order by a teller made for each story. */
    public static <V extends SpecificRecord> KeyedTopic<V> keyedInOrder(KeyKind kind, Topic<V> topic,
                                                                        Supplier<Function<V, Told>> tellers) {
        return new KeyedTopic<>(kind, topic, Function.identity(), !topic.anyKey(),
                (event, key) -> key.equals(topic.keyOf(event)), tellers);
    }

    /**
     * Events on the partition of {@code placedBy(key)} (every partition when null) that carry the key in a field,
     * as {@code about} says.
     */
    public static <V extends SpecificRecord> KeyedTopic<V> field(KeyKind kind, Topic<V> topic,
                                                                 Function<String, String> placedBy,
                                                                 BiPredicate<V, String> about,
                                                                 Function<V, Told> tell) {
        return new KeyedTopic<>(kind, topic, placedBy, false, about, () -> tell);
    }

    /** Whether {@code event}, read from this topic, is about {@code key}. */
    boolean isAbout(SpecificRecord event, String key) {
        return topic.valueType().isInstance(event) && about.test(topic.valueType().cast(event), key);
    }

    /** A teller for one story: what became of each of its events read from this topic, in their order. */
    Function<SpecificRecord, Told> teller() {
        final Function<V, Told> tell = tellers.get();
        return event -> tell.apply(topic.valueType().cast(event));
    }
}
