package io.exoclone.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The extents a volume wrote since its last snapshot, taken when the next snapshot is, to be bound
 * to it in the content index (the dedup hint of export). {@link Pool#snapshot} commits the snapshot
 * first and binds these a batch at a time afterwards, so that writers never wait for the whole
 * list; the entries reach the disk with the next commit (a crash before it loses dedup
 * opportunities, nothing else: export checks every entry it uses).
 */
final class PendingIndex {
    private final PoolState.SnapRec snapshot;
    private final boolean verify;
    private final List<Map.Entry<PoolState.HashKey, long[]>> entries;

    private PendingIndex(
            PoolState.SnapRec snapshot,
            boolean verify,
            List<Map.Entry<PoolState.HashKey, long[]>> entries) {
        this.snapshot = snapshot;
        this.verify = verify;
        this.entries = entries;
    }

    /** Takes the volume's pending extents for its new snapshot {@code rec}. */
    static PendingIndex take(Engine e, String volume, PoolState.SnapRec rec) {
        var pending = e.pendingIndex.remove(volume);
        boolean verify = e.pendingUnverified.remove(volume);
        return new PendingIndex(
                rec,
                verify,
                pending == null || rec.root() == 0
                        ? List.of()
                        : new ArrayList<>(pending.entrySet()));
    }

    int size() {
        return entries.size();
    }

    /**
     * Binds entries {@code [from, to)} that the index does not know yet; nothing when the snapshot
     * was deleted meanwhile. Entries of a volume whose tree was replaced wholesale since the write
     * ({@link Engine#pendingUnverified}) are bound only if the snapshot holds exactly that extent.
     */
    void apply(Engine e, int from, int to) {
        if (!e.state.snapshots.containsKey(snapshot.id())) {
            return;
        }
        for (var p : entries.subList(from, Math.min(to, entries.size()))) {
            if (e.state.contentIndex.containsKey(p.getKey())) {
                continue;
            }
            long lba = p.getValue()[0];
            int blocks = (int) p.getValue()[1];
            if (!verify || e.holdsExtent(snapshot.root(), lba, blocks, p.getKey())) {
                e.state.putIndex(p.getKey(), new PoolState.IndexEntry(snapshot.id(), lba, blocks));
            }
        }
    }
}
