package io.eventline.chat;

import io.eventline.ids.SnowflakeIdGenerator;
import io.eventline.platform.ChatSettings;
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
 * Stores a message in its channel's history under an ID fixed here, the first time it is processed, and fans it
 * out to the members' sync queues. The ID is {@code max(Snowflake ID, channel's last ID + 1)}, so IDs increase
 * strictly within a channel even after the channel moves to an instance with a slower clock. A resend with the
 * same clientMessageId is answered with the stored message and stored nothing.
 */
final class MessageSequencer extends ChatProcessor<ChatMessageSent> {
    /** How often expired history is swept, and how much at most per sweep (the rest waits for the next). */
    static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
    static final int SWEEP_BATCH = 10_000;

    private final ChatSettings settings;
    private final SnowflakeIdGenerator ids;
    private final Fanout fanout;
    private KeyValueStore<String, Channel> channels;
    private KeyValueStore<String, ChatMessage> history;
    private KeyValueStore<String, Long> expiry;
    private WindowStore<String, Long> sends;

    MessageSequencer(ChatSettings settings, SnowflakeIdGenerator ids, Fanout fanout) {
        this.settings = settings;
        this.ids = ids;
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
    String partitionKey(ChatMessageSent value) {
        return value.getChannelId();
    }

    @Override
    String eventId(ChatMessageSent value) {
        return value.getEventId();
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
        final String sendKey = ChatKeys.send(channel.getChannelId(), sender, sent.getClientMessageId());
        final Long earlier = earlierSend(sendKey, record.timestamp());
        if (earlier != null) {
            final ChatMessage stored = history.get(ChatKeys.history(channel.getChannelId(), earlier));
            accepted(record, sent.getEventId(), sender, 200,
                    ChatJson.message(stored != null ? stored : message(sent, earlier)).toString());
            return;
        }
        final long messageId = Math.max(ids.nextId(), channel.getLastMessageId() + 1);
        final ChatMessage message = message(sent, messageId);
        history.put(ChatKeys.history(channel.getChannelId(), messageId), message);
        expiry.put(ChatKeys.historyExpiry(messageId, channel.getChannelId()), messageId);
        sends.put(sendKey, messageId, record.timestamp());
        channel.setLastMessageId(messageId);
        channels.put(channel.getChannelId(), channel);
        fanout.message(channel.getMembers(), message, out -> emit(record, out.key, out.value));
        accepted(record, sent.getEventId(), sender, 201, ChatJson.message(message).toString());
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
