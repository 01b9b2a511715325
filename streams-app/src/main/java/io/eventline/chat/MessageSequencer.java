package io.eventline.chat;

import io.eventline.ids.SnowflakeIdGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Stores a message in its channel's history and fans it out to the members' sync queues. Everything it emits is
 * fixed by its input, so a replay after a crash (this step is at-least-once) emits the same records again:
 * <ul>
 * <li>The ID is {@code max(base, newest ID in the channel's history + 1)}, where the base is the event's own
 * Snowflake ID. IDs increase strictly within a channel even when the sending instance's clock is behind, and the
 * history is the only state the choice reads: its changelog keeps writes in their order, so after a crash it
 * holds the messages processed before, and the message being replayed is either there or gets the same ID.</li>
 * <li>A record whose message is already in the history (the same sender and clientMessageId at or after its
 * base) is this very record again: it is fanned out and answered again, as the first time. The members'
 * partitions drop a message they have (its ID is not above the newest they hold for the channel).</li>
 * <li>A resend with the same clientMessageId within the dedupe retention is answered with the stored message
 * (200) and stores nothing, but is fanned out again for the same reason.</li>
 * </ul>
 */
final class MessageSequencer extends ChatProcessor<ChatMessageSent> {
    /** How often expired history is swept, and how much at most per sweep (the rest waits for the next). */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    static final int SWEEP_BATCH = 10_000;
    /**
     * How many of a channel's messages after a record's base ID are looked through for the record's own message:
     * a replay comes within a commit interval of the first processing, so its message is among the first.
     */
    static final int REPLAY_SCAN_LIMIT = 1_000;
    /** How far from its record's time an event ID may be and still be taken as minted for it. */
    static final Duration PLAUSIBLE_CLOCK_SKEW = Duration.ofHours(1);
    /** The worker and sequence bits of a Snowflake ID, which a base derived from a foreign event ID fills. */
    private static final long NODE_AND_SEQUENCE = (1L << (SnowflakeIdGenerator.DATACENTER_BITS
            + SnowflakeIdGenerator.WORKER_BITS + SnowflakeIdGenerator.SEQUENCE_BITS)) - 1;

    private final ChatSettings settings;
    private final Fanout fanout;
    private KeyValueStore<String, Channel> channels;
    private KeyValueStore<String, ChatMessage> history;
    private KeyValueStore<String, Long> expiry;
    private WindowStore<String, Long> sends;

    MessageSequencer(ChatSettings settings, Fanout fanout) {
        this.settings = settings;
        this.fanout = fanout;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        super.init(context);
        channels = context.getStateStore(ChatStores.CHANNELS);
        history = context.getStateStore(ChatStores.HISTORY);
        expiry = context.getStateStore(ChatStores.HISTORY_EXPIRY);
        sends = context.getStateStore(ChatStores.SENDS);
        context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::expire);
    }

    @Override
    void handle(Record<String, ChatMessageSent> record) {
        final ChatMessageSent sent = record.value();
        final String sender = sent.getSenderId();
        final Channel channel = channels.get(sent.getChannelId());
        if (channel == null) {
            channelNotFound(record, sent.getEventId(), sender, sent.getChannelId());
            return;
        }
        if (!channel.getMembers().contains(sender)) {
            notMember(record, sent.getEventId(), sender, channel.getChannelId());
            return;
        }
        final int length = sent.getText().length();
        if (length == 0 || length > settings.maxMessageChars() || !ChatKeys.usable(sent.getClientMessageId())) {
            rejected(record, sent.getEventId(), sender, length > settings.maxMessageChars() ? 413 : 400,
                    "invalid-message", "Invalid message", "text must be 1-" + settings.maxMessageChars()
                            + " characters and clientMessageId set");
            return;
        }
        final String channelId = channel.getChannelId();
        final long base = baseId(sent, record.timestamp());
        final Since since = since(channelId, base, sender, sent.getClientMessageId());
        if (since.own() != null) {
            fanOutAndAnswer(record, channel, since.own(), 201);
            return;
        }
        final String sendKey = ChatKeys.send(channelId, sender, sent.getClientMessageId());
        final Long earlier = earlierSend(sendKey, record.timestamp());
        final long messageId;
        if (earlier != null) {
            final ChatMessage stored = history.get(ChatKeys.history(channelId, earlier));
            if (stored != null) {
                fanOutAndAnswer(record, channel, stored, 200);
                return;
            }
            if (earlier <= newestId(channelId)) {
                // expired from the history meanwhile: nothing to store or tell again
                accepted(record, sent.getEventId(), sender, 200, ChatJson.message(message(sent, earlier)).toString());
                return;
            }
            // remembered as sent, but the crash that interrupted its first processing lost it from the history
            messageId = earlier;
        } else {
            // nothing at or after the base means the newest is below it, and the base is the ID
            messageId = Math.max(base, since.newest() + 1);
        }
        final ChatMessage message = message(sent, messageId);
        history.put(ChatKeys.history(channelId, messageId), message);
        expiry.put(ChatKeys.historyExpiry(messageId, channelId), messageId);
        sends.put(sendKey, messageId, record.timestamp());
        channel.setLastMessageId(Math.max(channel.getLastMessageId(), messageId));
        channels.put(channelId, channel);
        fanOutAndAnswer(record, channel, message, 201);
    }

    private void fanOutAndAnswer(Record<String, ChatMessageSent> record, Channel channel, ChatMessage message,
                                 int status) {
        fanout.message(channel.getMembers(), message, out -> emit(record, out.key, out.value));
        accepted(record, record.value().getEventId(), message.getSenderId(), status,
                ChatJson.message(message).toString());
    }

    /**
     * The lowest ID this event's message may get: its event ID when that is one of ours (a Snowflake ID minted
     * when the request came in), else the record's time with the event ID's hash in the lower bits.
     */
    static long baseId(ChatMessageSent sent, long timestamp) {
        try {
            final long id = Long.parseLong(sent.getEventId());
            // an ID far from the record's time was not minted for it, and one far ahead would drag the channel's
            // IDs along with it
            if (id >= SnowflakeIdGenerator.minIdAt(timestamp - PLAUSIBLE_CLOCK_SKEW.toMillis())
                    && id < SnowflakeIdGenerator.minIdAt(timestamp + PLAUSIBLE_CLOCK_SKEW.toMillis())) {
                return id;
            }
        } catch (NumberFormatException e) {
            // a producer of its own chose the event ID
        }
        return SnowflakeIdGenerator.minIdAt(timestamp) | (sent.getEventId().hashCode() & NODE_AND_SEQUENCE);
    }

    /**
     * What the history holds at or after {@code base}: this sender's message with this clientMessageId (the record
     * seen before), else the newest ID there, 0 when there is none.
     */
    private record Since(ChatMessage own, long newest) {
    }

    private Since since(String channelId, long base, String sender, String clientMessageId) {
        long newest = 0;
        try (KeyValueIterator<String, ChatMessage> it = history.range(ChatKeys.history(channelId, base),
                ChatKeys.to(channelId))) {
            for (int seen = 0; it.hasNext(); seen++) {
                if (seen == REPLAY_SCAN_LIMIT) {
                    return new Since(null, newestId(channelId));
                }
                final ChatMessage message = it.next().value;
                if (message.getSenderId().equals(sender) && message.getClientMessageId().equals(clientMessageId)) {
                    return new Since(message, message.getMessageId());
                }
                newest = message.getMessageId();
            }
        }
        return new Since(null, newest);
    }

    private long newestId(String channelId) {
        try (KeyValueIterator<String, ChatMessage> it = history.reverseRange(ChatKeys.from(channelId),
                ChatKeys.to(channelId))) {
            return it.hasNext() ? it.next().value.getMessageId() : 0;
        }
    }

    private static ChatMessage message(ChatMessageSent sent, long messageId) {
        return ChatMessage.newBuilder().setChannelId(sent.getChannelId()).setMessageId(messageId)
                .setSenderId(sent.getSenderId()).setClientMessageId(sent.getClientMessageId())
                .setText(sent.getText()).setCreatedAt(SnowflakeIdGenerator.timestamp(messageId)).build();
    }

    private Long earlierSend(String sendKey, long now) {
        try (WindowStoreIterator<Long> earlier = sends.fetch(sendKey,
                Instant.ofEpochMilli(Math.max(0, now - settings.dedupeRetention().toMillis())),
                Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            return earlier.hasNext() ? earlier.next().value : null;
        }
    }

    /** Drops messages older than the history retention; their IDs say how old they are. */
    private void expire(long now) {
        final long cutoff = SnowflakeIdGenerator.minIdAt(now - settings.historyRetention().toMillis());
        final List<KeyValue<String, Long>> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = expiry.range(ChatKeys.number(0),
                ChatKeys.historyExpiry(cutoff, ""))) {
            while (it.hasNext() && expired.size() < SWEEP_BATCH) {
                expired.add(it.next());
            }
        }
        for (KeyValue<String, Long> entry : expired) {
            final String channelId = ChatKeys.last(entry.key);
            history.delete(ChatKeys.history(channelId, entry.value));
            expiry.delete(entry.key);
        }
    }
}
