package io.eventline.chat;

import static io.eventline.http.JsonSchema.arrayOf;
import static io.eventline.http.JsonSchema.formatted;
import static io.eventline.http.JsonSchema.integer;
import static io.eventline.http.JsonSchema.object;
import static io.eventline.http.JsonSchema.oneOf;
import static io.eventline.http.JsonSchema.string;

import io.eventline.http.JsonSchema;

/** Chat's request and response bodies, as its routes declare them. */
final class ChatSchemas {
    static final JsonSchema NEW_CHANNEL = object().required("type", oneOf("direct", "group"))
            .optional("name", string(ChatRequests.MAX_NAME_CHARS).describedAs("A group's name").example("Trip"))
            .required("members", arrayOf(string(64).example("bob")).describedAs(
                    "The other user of a direct channel, or a group's members besides the caller"));

    static final JsonSchema CHANNEL = object().required("channelId", string()).required("type", oneOf("direct", "group"))
            .optional("name", string()).required("createdBy", string()).required("createdAt", formatted("date-time"))
            .required("members", arrayOf(string())).required("memberCount", integer());

    static final JsonSchema VIEW = object().required("channelId", string()).required("type", oneOf("direct", "group"))
            .optional("name", string()).required("createdBy", string()).required("memberCount", integer())
            .optional("members", arrayOf(string())).required("lastMessageId", string().nullable())
            .required("readMessageId", string().nullable()).required("unread", integer());

    static final JsonSchema CHANNELS = object().required("channels", arrayOf(VIEW))
            .required("nextCursor", string().nullable());

    static final JsonSchema NEW_MESSAGE = object().required("text", string(100_000).example("hello"))
            .required("clientMessageId", string(ChatRequests.MAX_CLIENT_MESSAGE_ID_CHARS).example("c-1"));

    static final JsonSchema MESSAGE = object().required("channelId", string()).required("messageId", string())
            .required("senderId", string()).required("clientMessageId", string()).required("text", string())
            .required("createdAt", formatted("date-time"));

    static final JsonSchema HISTORY = object().required("messages", arrayOf(MESSAGE))
            .required("nextBefore", string().nullable());

    static final JsonSchema READ = object().required("messageId", string(20).example("1"));

    static final JsonSchema READ_MARKER = object().required("channelId", string())
            .required("readMessageId", string().nullable()).required("unread", integer());

    static final JsonSchema PRESENCE = object().required("channelId", string())
            .required("members", arrayOf(object().required("userId", string())
                    .required("status", oneOf("online", "offline"))
                    .required("lastActiveAt", formatted("date-time").nullable())));

    static final JsonSchema SYNC = object().required("device", string()).required("cursor", integer())
            .required("entries", arrayOf(MESSAGE.required("seq", integer()))).required("lastSeq", integer())
            .required("hasMore", JsonSchema.bool()).required("oldestSeq", integer());

    static final JsonSchema ACK = object().optional("device", string(64).example("phone"))
            .required("seq", integer(0, Long.MAX_VALUE));

    static final JsonSchema ACKED = object().required("device", string()).required("seq", integer());

    static final JsonSchema ENDPOINT = object().required("url", string())
            .required("heartbeatIntervalSeconds", integer());

    private ChatSchemas() {
    }
}
