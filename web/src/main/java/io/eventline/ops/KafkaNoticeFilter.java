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
 * Drops two warnings of the Kafka client that every clean first start and stop prints and that ask nothing of
 * anyone, while the rest of that logger's warnings (an unreachable broker, say) still show:
 * <ul>
 *   <li>a Streams consumer's metadata naming its own repartition topics unknown, in the moment between
 *       subscribing to them and the group leader creating them;</li>
 *   <li>the embedded broker closing its controller registration client twice on shutdown.</li>
 * </ul>
 * Installed from {@code logback.xml}. The client formats its messages before logging them, so this reads the text.
 */
public final class KafkaNoticeFilter extends TurboFilter {
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    static final String CLOSED_TWICE = "Attempting to close NetworkClient that has already been closed.";
    private static final Pattern METADATA_ISSUE = Pattern.compile(
            "The metadata response from the cluster reported a recoverable issue with correlation id \\d+ : \\{(.+)}$");
    private static final Pattern REPARTITION_TOPIC_NOT_CREATED =
            Pattern.compile("[A-Za-z0-9._-]+-repartition=UNKNOWN_TOPIC_OR_PARTITION");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (level != Level.WARN || format == null || !NETWORK_CLIENT.equals(logger.getName())) {
            return FilterReply.NEUTRAL;
        }
        final String message = params == null || params.length == 0
                ? format : MessageFormatter.arrayFormat(format, params).getMessage();
        if (message.endsWith(CLOSED_TWICE)) {
            return FilterReply.DENY;
        }
        final Matcher issue = METADATA_ISSUE.matcher(message);
        if (issue.find() && onlyRepartitionTopicsNotCreatedYet(issue.group(1))) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
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
