package io.eventline.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The latest warnings and errors this instance logged, kept in memory for the ops page, so that an operator sees
 * every instance's problems in one place without reaching for its log files. Bounded in entries and in the length
 * of each line; counts what it had to drop.
 */
public final class RecentProblems extends AppenderBase<ILoggingEvent> {
    static final int MAX_ENTRIES = 50;
    static final int MAX_MESSAGE_CHARS = 500;

    private final Deque<Problem> latest = new ArrayDeque<>();
    private long warnings;
    private long errors;

    /** One logged warning or error. */
    public record Problem(Instant at, String level, String logger, String thread, String message) {
    }

    /** What was logged: counts since start and the latest entries, newest first. */
    public record Summary(long warnings, long errors, List<Problem> latest) {
    }

    /** Starts collecting what the root logger of this process passes on, until {@link #stop()}. */
    public static RecentProblems attachToRoot() {
        final RecentProblems problems = new RecentProblems();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            problems.setContext(context);
            problems.setName("recent-problems");
            problems.start();
            context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(problems);
        }
        return problems;
    }

    /** Stops collecting and leaves the root logger as it was. */
    public void detach() {
        if (getContext() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        }
        stop();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
            return;
        }
        final Problem problem = new Problem(Instant.ofEpochMilli(event.getTimeStamp()), event.getLevel().toString(),
                event.getLoggerName(), event.getThreadName(), describe(event));
        synchronized (latest) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                errors++;
            } else {
                warnings++;
            }
            latest.addFirst(problem);
            if (latest.size() > MAX_ENTRIES) {
                latest.removeLast();
            }
        }
    }

    public Summary summary() {
        synchronized (latest) {
            return new Summary(warnings, errors, List.copyOf(new ArrayList<>(latest)));
        }
    }

    private static String describe(ILoggingEvent event) {
        final String message = String.valueOf(event.getFormattedMessage());
        final IThrowableProxy thrown = event.getThrowableProxy();
        final String line = thrown == null ? message
                : message + " (" + thrown.getClassName() + ": " + thrown.getMessage() + ")";
        return line.length() <= MAX_MESSAGE_CHARS ? line : line.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
}
