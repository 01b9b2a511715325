package io.eventline.platform;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What an instance started, closed in the reverse order: what started last, and may use the rest, stops first. */
public final class Closer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Closer.class);
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Registers {@code part} to be closed before everything registered earlier; returns it. */
    public synchronized <T extends AutoCloseable> T add(T part) {
        started.add(part);
        return part;
    }

    @Override
    public synchronized void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Failed to close {}", started.get(i), e);
            }
        }
        started.clear();
    }
}
