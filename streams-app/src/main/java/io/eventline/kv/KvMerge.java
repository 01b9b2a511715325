package io.eventline.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a key's versions take in a version accepted by another data centre. A version that an held one descends
 * from is old news and changes nothing (so a change delivered twice is harmless); held versions the new one
 * descends from are superseded; the rest were written concurrently with it and stay beside it as siblings, or,
 * under last-writer-wins, give way to the latest by hybrid logical clock. Either way every data centre that holds
 * the same versions ends with the same ones, and a version set aside is returned to be recorded, never dropped
 * unseen.
 */
final class KvMerge {
    private KvMerge() {
    }

    /** A version set aside for {@code kept}. */
    record SetAside(KvSibling kept, KvSibling dropped, KvConflictReason reason) {
    }

    /** The versions after a merge, and whether they differ from before. */
    record Result(List<KvSibling> versions, List<SetAside> setAside, boolean changed) {
        static Result unchanged(List<KvSibling> versions) {
            return new Result(versions, List.of(), false);
        }
    }

    /** {@code held} taking in {@code incoming} under {@code policy}, at most {@code maxSiblings} of them. */
    static Result put(List<KvSibling> held, KvSibling incoming, KvConflictPolicy policy, int maxSiblings) {
        for (KvSibling version : held) {
            if (KvVersions.descends(version.getVersion(), incoming.getVersion())) {
                return Result.unchanged(held);
            }
        }
        final List<KvSibling> versions = new ArrayList<>();
        for (KvSibling version : held) {
            if (!KvVersions.descends(incoming.getVersion(), version.getVersion())) {
                versions.add(version);
            }
        }
        versions.add(incoming);
        final List<SetAside> setAside = new ArrayList<>();
        versions.sort(KvSiblings.NEWEST_FIRST);
        if (policy == KvConflictPolicy.LAST_WRITER_WINS && versions.size() > 1) {
            final KvSibling kept = covering(versions.get(0), KvSiblings.context(versions));
            for (KvSibling loser : versions.subList(1, versions.size())) {
                setAside.add(new SetAside(kept, loser, KvConflictReason.LAST_WRITER_WINS));
            }
            return new Result(List.of(kept), setAside, true);
        }
        while (versions.size() > maxSiblings) {
            // the two oldest become the newer of them, covering both: one sibling less
            final KvSibling oldest = versions.remove(versions.size() - 1);
            final KvSibling newer = versions.remove(versions.size() - 1);
            final KvSibling merged = covering(newer, KvSiblings.context(List.of(newer, oldest)));
            setAside.add(new SetAside(merged, oldest, KvConflictReason.SIBLING_CAP));
            versions.add(merged);
        }
        return new Result(versions, setAside, true);
    }

    /** {@code held} without the versions a delete at {@code version} had seen; concurrent ones survive it. */
    static Result delete(List<KvSibling> held, Map<String, Long> version) {
        final List<KvSibling> left = new ArrayList<>();
        for (KvSibling sibling : held) {
            if (!KvVersions.descends(version, sibling.getVersion())) {
                left.add(sibling);
            }
        }
        return left.size() == held.size() ? Result.unchanged(held) : new Result(left, List.of(), true);
    }

    /** {@code version} with the vector {@code context}, so that it supersedes everything it was merged with. */
    private static KvSibling covering(KvSibling version, Map<String, Long> context) {
        return KvSibling.newBuilder(version).setVersion(context).build();
    }
}
