package io.eventline.crawler;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Fetch workers that take every job and run none: they record what the frontier released and abandoned. */
final class RecordingDispatch implements FetchDispatch {
    final List<FetchJob> released = new CopyOnWriteArrayList<>();
    final List<String> abandoned = new CopyOnWriteArrayList<>();

    @Override
    public boolean offer(FetchJob job) {
        return released.add(job);
    }

    @Override
    public void abandon(Collection<String> politenessKeys) {
        abandoned.addAll(politenessKeys);
    }
}
