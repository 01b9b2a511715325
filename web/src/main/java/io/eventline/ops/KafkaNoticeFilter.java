package io.eventline.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Marker;
import org.slf4j.helpers.MessageFormatter;

/**
 * Drops four warnings of Kafka that a clean first start and stop prints and that ask nothing of anyone, while
 * the rest of those loggers' warnings (an unreachable broker, say) still show:
 * <ul>
 *   <li>a Streams consumer's metadata naming its own repartition topics unknown, in the moment between
 *       subscribing to them and the group leader creating them;</li>
 *   <li>the embedded broker closing its controller registration client twice on shutdown;</li>
 *   <li>the broker's two first lookups of a transaction or group coordinator both creating the internal topic
 *       behind it, where the second finds it made;</li>
 *   <li>the task assignor finding no second instance for a task's standby replica, once per task and rebalance:
 *       standbys are on by default, and a single instance is a normal way to run. Which tasks have standbys, and
 *       where, is in {@code GET /api/v1/admin/cluster} and on the ops page.</li>
 * </ul>
 * Installed from {@code logback.xml}. The client formats its messages before logging them, so this reads the text.
 */
public final class KafkaNoticeFilter extends TurboFilter {
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    static final String CLOSED_TWICE = "Attempting to close NetworkClient that has already been closed.";
    static final String TOPIC_CREATION = "kafka.server.DefaultAutoTopicCreationManager";
    private static final Pattern INTERNAL_TOPIC_MADE_ALREADY = Pattern.compile(
            "Auto topic creation failed for (__transaction_state|__consumer_offsets) with error 'TOPIC_ALREADY_EXISTS'.*");
    private static final Pattern METADATA_ISSUE = Pattern.compile(
            "The metadata response from the cluster reported a recoverable issue with correlation id \\d+ : \\{(.+)}$");
    static final String ASSIGNORS = "org.apache.kafka.streams.processor";
    private static final Pattern NO_ROOM_FOR_STANDBY = Pattern.compile(
            "Unable to assign \\d+ of \\d+ standby tasks for task \\[[0-9_]+]\\..*");
    private static final Pattern REPARTITION_TOPIC_NOT_CREATED =
            Pattern.compile("[A-Za-z0-9._-]+-repartition=UNKNOWN_TOPIC_OR_PARTITION");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level != Level.WARN || format == null) {
            return FilterReply.NEUTRAL;
        }
        if (logger.getName().startsWith(ASSIGNORS)) {
            return NO_ROOM_FOR_STANDBY.matcher(formatted(format, params)).matches() ? FilterReply.DENY
                    : FilterReply.NEUTRAL;
        }
        if (!(NETWORK_CLIENT.equals(logger.getName()) || TOPIC_CREATION.equals(logger.getName()))) {
            return FilterReply.NEUTRAL;
        }
        final String message = formatted(format, params);
        if (TOPIC_CREATION.equals(logger.getName())) {
            return INTERNAL_TOPIC_MADE_ALREADY.matcher(message).matches() ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
        if (message.endsWith(CLOSED_TWICE)) {
            return FilterReply.DENY;
        }
        final Matcher issue = METADATA_ISSUE.matcher(message);
        if (issue.find() && onlyRepartitionTopicsNotCreatedYet(issue.group(1))) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    private static String formatted(String format, Object[] params) {
        return params == null || params.length == 0 ? format : MessageFormatter.arrayFormat(format, params).getMessage();
    }

    private static boolean onlyRepartitionTopicsNotCreatedYet(String errors) {
        for (String entry : errors.split(", ")) {
            if (!REPARTITION_TOPIC_NOT_CREATED.matcher(entry).matches()) {
                return false;
            }
        }
        return true;
    }
}
