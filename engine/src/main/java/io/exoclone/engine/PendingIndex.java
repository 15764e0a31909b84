package io.exoclone.engine;

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
    private final Hash128Shards entries; // lba, blocks by content hash; no longer changed

    private PendingIndex(PoolState.SnapRec snapshot, boolean verify, Hash128Shards entries) {
        this.snapshot = snapshot;
        this.verify = verify;
        this.entries = entries;
    }

    /**
     * Takes the volume's pending extents for its new snapshot {@code rec}, in O(1): the table is
     * the volume's no more, so its next writes start a new one.
     */
    static PendingIndex take(Engine e, String volume, PoolState.SnapRec rec) {
        Hash128Shards pending = e.pendingIndex.remove(volume);
        boolean verify = e.pendingUnverified.remove(volume);
        return new PendingIndex(
                rec, verify, pending == null || rec.root() == 0 ? new Hash128Shards() : pending);
    }

    /** Entries to bind (some may be known to the index already). */
    int size() {
        return entries.size();
    }

    /** The parts {@link #apply} takes: {@code [0, parts())}, each about 1/256 of the entries. */
    int parts() {
        return Hash128Shards.SHARDS;
    }

    /**
     * Binds the entries of parts {@code [from, to)} that the index does not know yet; nothing when
     * the snapshot was deleted meanwhile. Entries of a volume whose tree was replaced wholesale
     * since the write ({@link Engine#pendingUnverified}) are bound only if the snapshot holds
     * exactly that extent.
     */
    void apply(Engine e, int from, int to) {
        if (!e.state.snapshots.containsKey(snapshot.id())) {
            return;
        }
        for (int part = from; part < Math.min(to, parts()); part++) {
            Hash128Map t = entries.shard(part);
            for (int i = 0; t != null && i < t.capacity(); i++) {
                if (t.occupied(i)) {
                    bind(e, t.hi(i), t.lo(i), t.a(i), (int) t.b(i));
                }
            }
        }
    }

    private void bind(Engine e, long hi, long lo, long lba, int blocks) {
        PoolState.HashKey key = new PoolState.HashKey(hi, lo);
        if (!e.state.contentIndex.containsKey(key)
                && (!verify || e.holdsExtent(snapshot.root(), lba, blocks, key))) {
            e.state.putIndex(key, new PoolState.IndexEntry(snapshot.id(), lba, blocks));
        }
    }
}
