package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Export planning and import of exo-clone changes: the engine side of the file format.
 *
 * <p>Export walks only the diff against the parent. Import applies the ranges on top of the
 * parent's tree in one transaction; nothing is visible unless every range applies and the result
 * has the expected Merkle root.
 */
final class Exchange {
    private final Engine e;

    Exchange(Engine e) {
        this.e = e;
    }

    // ---------------------------------------------------------------- export

    /** Told about each changed range of a snapshot, in block order. */
    private interface ChangeVisitor {
        void zero(long startBlock, long blocks);

        /** Blocks {@code [a, b)} of extent content {@code hash}, held by {@code leaf}. */
        void data(Node leaf, long a, long b, byte[] hash);
    }

    /** The parent a snapshot's change is computed against, or null for a first snapshot. */
    private PoolState.SnapRec parentOf(PoolState.SnapRec s, String what) {
        if (s.parent() == null) {
            return null;
        }
        PoolState.SnapRec parent = e.state.snapshots.get(s.parent());
        if (parent == null) {
            throw new NotFoundException(
                    "The parent "
                            + s.parent()
                            + " of snapshot "
                            + s.id()
                            + " is no longer in the pool, so its "
                            + what
                            + " cannot be computed");
        }
        return parent;
    }

    /**
     * Walks the change from {@code parent} (null: an empty volume) to {@code s}: diffs the trees,
     * then lists the extents of {@code s} inside each changed range (a piece of an extent cut by a
     * range is re-hashed). Returns the nodes the diff visited.
     */
    private long walkChanges(PoolState.SnapRec parent, PoolState.SnapRec s, ChangeVisitor v)
            throws IOException {
        Differ d = new Differ(e.store);
        List<SnapshotDiff.ChangedRange> changed =
                d.diff(parent == null ? 0 : parent.root(), s.root());
        for (SnapshotDiff.ChangedRange r : changed) {
            if (r.zero()) {
                v.zero(r.startBlock(), r.blocks());
                continue;
            }
            List<Object[]> hits = new ArrayList<>();
            e.tree.scanLeaves(
                    s.root(),
                    r.startBlock(),
                    r.endBlock(),
                    (leaf, x) -> hits.add(new Object[] {leaf, x}));
            for (Object[] h : hits) {
                LeafEntry x = (LeafEntry) h[1];
                long a = Math.max(x.lba(), r.startBlock());
                long b = Math.min(x.end(), r.endBlock());
                byte[] hash = a == x.lba() && b == x.end() ? x.hash() : e.piece(x, a, b).hash();
                v.data((Node) h[0], a, b, hash);
            }
        }
        return d.nodesVisited();
    }

    ExportPlan plan(
            UUID snapshotId,
            UUID base,
            java.util.function.Function<PoolState.SnapRec, Snapshot> view)
            throws IOException {
        PoolState.SnapRec s = e.snapshot(snapshotId);
        PoolState.SnapRec parent;
        if (base != null) {
            parent = e.snapshot(base);
            if (parent.size() != s.size()) {
                throw new InvalidArgumentException(
                        "Cannot export "
                                + s.id()
                                + " against "
                                + base
                                + ": sizes differ ("
                                + s.size()
                                + " and "
                                + parent.size()
                                + " bytes)");
            }
        } else {
            parent = parentOf(s, "change");
        }
        Set<UUID> ancestors = new HashSet<>();
        for (PoolState.SnapRec a = parent; a != null && ancestors.add(a.id()); ) {
            a = a.parent() == null ? null : e.state.snapshots.get(a.parent());
        }
        List<ChangeRange> out = new ArrayList<>();
        Map<PoolState.HashKey, long[]> seen = new HashMap<>();
        long visited =
                walkChanges(
                        parent,
                        s,
                        new ChangeVisitor() {
                            @Override
                            public void zero(long start, long blocks) {
                                out.add(new ChangeRange.Zero(start, blocks));
                            }

                            @Override
                            public void data(Node leaf, long a, long b, byte[] hash) {
                                int n = (int) (b - a);
                                PoolState.HashKey key = PoolState.HashKey.of(hash);
                                long[] first = seen.get(key);
                                PoolState.IndexEntry ix = e.state.contentIndex.get(key);
                                if (first != null && first[1] == n) {
                                    out.add(new ChangeRange.Dedup(a, n, hash, s.id(), first[0]));
                                } else if (ix != null
                                        && ix.blocks() == n
                                        && ancestors.contains(ix.snapshot())
                                        && holds(ix, hash)) {
                                    out.add(
                                            new ChangeRange.Dedup(
                                                    a, n, hash, ix.snapshot(), ix.lba()));
                                } else {
                                    out.add(new ChangeRange.Data(a, n, hash, null));
                                    seen.putIfAbsent(key, new long[] {a, n});
                                }
                            }
                        });
        return new ExportPlan(
                view.apply(s), java.util.Optional.ofNullable(parent).map(view), out, visited);
    }

    /** The modified leaves of a snapshot against its parent, for the change feed. */
    SnapshotChanges changes(
            UUID snapshotId, java.util.function.Function<PoolState.SnapRec, Snapshot> view)
            throws IOException {
        PoolState.SnapRec s = e.snapshot(snapshotId);
        PoolState.SnapRec parent = parentOf(s, "changes");
        List<SnapshotChanges.LeafChange> out = new ArrayList<>();
        long[] node = {-1, 0};
        List<ChangeRange> group = new ArrayList<>();
        java.util.function.BiConsumer<Node, ChangeRange> add =
                (leaf, r) -> {
                    long id = leaf == null ? 0 : leaf.pageId;
                    if (id != node[0] && !group.isEmpty()) {
                        out.add(new SnapshotChanges.LeafChange(node[0], node[1], group));
                        group.clear();
                    }
                    node[0] = id;
                    node[1] = leaf == null ? s.generation() : leaf.generation;
                    group.add(r);
                };
        long visited =
                walkChanges(
                        parent,
                        s,
                        new ChangeVisitor() {
                            @Override
                            public void zero(long start, long blocks) {
                                add.accept(
                                        e.tree.leafFor(s.root(), start),
                                        new ChangeRange.Zero(start, blocks));
                            }

                            @Override
                            public void data(Node leaf, long a, long b, byte[] hash) {
                                add.accept(leaf, new ChangeRange.Data(a, b - a, hash, null));
                            }
                        });
        if (!group.isEmpty()) {
            out.add(new SnapshotChanges.LeafChange(node[0], node[1], group));
        }
        return new SnapshotChanges(
                view.apply(s), java.util.Optional.ofNullable(parent).map(view), out, visited);
    }

    /** Whether an index entry still names an extent with this content (snapshots are immutable). */
    private boolean holds(PoolState.IndexEntry ix, byte[] hash) {
        PoolState.SnapRec src = e.state.snapshots.get(ix.snapshot());
        if (src == null) {
            return false;
        }
        List<LeafEntry> xs = e.tree.entries(src.root(), ix.lba(), ix.lba() + ix.blocks());
        return xs.size() == 1
                && xs.get(0).lba() == ix.lba()
                && xs.get(0).blocks() == ix.blocks()
                && xs.get(0).hashEquals(hash);
    }

    /** Records the extents of a snapshot's change in the content index (first one wins). */
    void index(UUID snapshot, long lba, int blocks, byte[] hash) {
        PoolState.HashKey key = PoolState.HashKey.of(hash);
        if (!e.state.contentIndex.containsKey(key)) {
            e.state.putIndex(key, new PoolState.IndexEntry(snapshot, lba, blocks));
        }
    }

    // ---------------------------------------------------------------- import

    PoolState.SnapRec importSnapshot(ImportRequest req, Iterator<ChangeRange> ranges)
            throws IOException {
        long volumeBlocks = req.volumeSize() / Engine.BS;
        if (req.volumeSize() <= 0 || req.volumeSize() % Engine.BS != 0) {
            throw new InvalidArgumentException(
                    "Exo-clone "
                            + req.id()
                            + " has volume size "
                            + req.volumeSize()
                            + ", not a positive multiple of 4096");
        }
        long root = 0;
        if (req.parentId() != null) {
            PoolState.SnapRec parent = e.state.snapshots.get(req.parentId());
            if (parent == null) {
                throw new NotFoundException(
                        "Cannot import exo-clone "
                                + req.id()
                                + ": its parent "
                                + req.parentId()
                                + " is not in the pool; import the parent first");
            }
            if (parent.size() != req.volumeSize()) {
                throw new InvalidArgumentException(
                        "Exo-clone "
                                + req.id()
                                + " is for a volume of "
                                + req.volumeSize()
                                + " bytes but its parent "
                                + parent.id()
                                + " has "
                                + parent.size());
            }
            root = parent.root();
        }
        if (root != 0) {
            e.store.incRef(root); // the new snapshot shares the parent's tree
        }
        int adopted = -1;
        if (req.payloadFile() != null) {
            adopted = adopt(req.payloadFile());
        }
        List<long[]> newExtents = new ArrayList<>();
        List<byte[]> newHashes = new ArrayList<>();
        long prevEnd = 0;
        while (ranges.hasNext()) {
            ChangeRange r = ranges.next();
            if (r.blocks() <= 0 || r.startBlock() < prevEnd || r.endBlock() > volumeBlocks) {
                throw new InvalidArgumentException(
                        String.format(
                                "Exo-clone %s: range [%d, %d) is empty, out of order or past the"
                                        + " volume's %d blocks",
                                req.id(), r.startBlock(), r.endBlock(), volumeBlocks));
            }
            prevEnd = r.endBlock();
            root = e.punch(root, r.startBlock(), r.endBlock());
            if (r instanceof ChangeRange.Zero) {
                continue;
            }
            if (r.blocks() > Engine.MAX_EXTENT_BLOCKS) {
                throw new InvalidArgumentException(
                        String.format(
                                "Exo-clone %s: data range at block %d has %d blocks; at most %d"
                                        + " per range",
                                req.id(), r.startBlock(), r.blocks(), Engine.MAX_EXTENT_BLOCKS));
            }
            int n = (int) r.blocks();
            LeafEntry entry;
            if (r instanceof ChangeRange.Adopted a) {
                entry = adoptedEntry(req, adopted, a, n);
            } else if (r instanceof ChangeRange.Data d) {
                entry = dataEntry(req, d, n);
            } else {
                entry = dedupEntry(req, (ChangeRange.Dedup) r, n, root);
            }
            root = e.tree.replace(root, -1, List.of(entry));
            if (!(r instanceof ChangeRange.Dedup)) {
                newExtents.add(new long[] {entry.lba(), n});
                newHashes.add(entry.hash());
            }
        }
        byte[] got = e.rootHash(root, req.volumeSize());
        if (!Arrays.equals(got, req.rootHash())) {
            throw new CorruptDataException(
                    "exo-clone " + req.id(),
                    0,
                    "Merkle root "
                            + Hex.encode(req.rootHash())
                            + " after import, the rebuilt volume has "
                            + Hex.encode(got));
        }
        String tag = req.tag();
        for (PoolState.SnapRec s : e.state.snapshots.values()) {
            if (tag != null && tag.equals(s.tag()) && s.volume().equals(req.volume())) {
                tag = null; // tags are unique per volume: keep the local one
            }
        }
        PoolState.SnapRec rec =
                new PoolState.SnapRec(
                        req.id(),
                        req.parentId(),
                        req.mergeParentId(),
                        req.volume(),
                        req.volumeId() == null ? UUID.randomUUID() : req.volumeId(),
                        e.state.seq + 1,
                        req.created().toEpochMilli(),
                        tag,
                        req.volumeSize(),
                        root,
                        got);
        e.state.putSnapshot(rec);
        for (int i = 0; i < newExtents.size(); i++) {
            index(req.id(), newExtents.get(i)[0], (int) newExtents.get(i)[1], newHashes.get(i));
        }
        return rec;
    }

    private LeafEntry adoptedEntry(ImportRequest req, int seg, ChangeRange.Adopted a, int n) {
        if (seg < 0) {
            throw new InvalidArgumentException(
                    "Exo-clone " + req.id() + ": an in-place range needs a payload file");
        }
        long len = e.state.segments.get(seg);
        if (a.fileOffset() < 0
                || a.fileOffset() % Engine.BS != 0
                || a.fileOffset() + (long) n * Engine.BS > len) {
            throw new CorruptDataException(
                    req.payloadFile().toString(),
                    a.fileOffset(),
                    n + " block-aligned payload blocks inside the file of " + len + " bytes");
        }
        long block = a.fileOffset() / Engine.BS;
        long key = LeafEntry.allocKey(seg, block);
        PoolState.AllocRec existing = e.state.alloc(key);
        if (existing == null) {
            e.state.createAlloc(key, n);
        } else if (existing.blocks() != n) {
            throw new CorruptDataException(
                    req.payloadFile().toString(),
                    a.fileOffset(),
                    "ranges sharing a payload offset to have the same length");
        }
        return new LeafEntry(a.startBlock(), n, seg, block, block, a.contentHash());
    }

    private LeafEntry dataEntry(ImportRequest req, ChangeRange.Data d, int n) throws IOException {
        if (d.data() == null || d.data().length != n * Engine.BS) {
            throw new CorruptDataException(
                    "exo-clone " + req.id(),
                    d.startBlock() * Engine.BS,
                    n * Engine.BS + " bytes of data for the range at block " + d.startBlock());
        }
        if (!Arrays.equals(Hashing.sha256(d.data(), 0, d.data().length), d.contentHash())) {
            throw new CorruptDataException(
                    "exo-clone " + req.id(),
                    d.startBlock() * Engine.BS,
                    "data of the range at block " + d.startBlock() + " matching its SHA-256");
        }
        long key = e.segments.append(ByteBuffer.wrap(d.data()));
        e.state.createAlloc(key, n);
        int seg = LeafEntry.allocSegment(key);
        long start = LeafEntry.allocStart(key);
        return new LeafEntry(d.startBlock(), n, seg, start, start, d.contentHash());
    }

    private LeafEntry dedupEntry(ImportRequest req, ChangeRange.Dedup d, int n, long selfRoot)
            throws IOException {
        long srcRoot;
        if (d.source().equals(req.id())) {
            srcRoot = selfRoot;
        } else {
            PoolState.SnapRec src = e.state.snapshots.get(d.source());
            if (src == null) {
                throw new NotFoundException(
                        "Cannot import exo-clone "
                                + req.id()
                                + ": it deduplicates against "
                                + d.source()
                                + ", which is not in the pool");
            }
            srcRoot = src.root();
        }
        List<LeafEntry> xs = e.tree.entries(srcRoot, d.sourceBlock(), d.sourceBlock() + n);
        String what = "exo-clone " + req.id();
        if (xs.size() == 1
                && xs.get(0).lba() <= d.sourceBlock()
                && xs.get(0).end() >= d.sourceBlock() + n) {
            LeafEntry x = xs.get(0);
            LeafEntry piece =
                    x.lba() == d.sourceBlock() && x.blocks() == n
                            ? x
                            : e.piece(x, d.sourceBlock(), d.sourceBlock() + n);
            if (!piece.hashEquals(d.contentHash())) {
                throw new CorruptDataException(
                        what,
                        d.startBlock() * Engine.BS,
                        "the dedup source "
                                + d.source()
                                + " block "
                                + d.sourceBlock()
                                + " to hold bytes matching the range's SHA-256");
            }
            return new LeafEntry(
                    d.startBlock(),
                    n,
                    x.segment(),
                    piece.dataBlock(),
                    x.allocBlock(),
                    d.contentHash().clone());
        }
        // The source bytes span several allocations (or holes): copy them once.
        byte[] data = new byte[n * Engine.BS];
        e.readInto(srcRoot, d.sourceBlock() * Engine.BS, data, 0, data.length);
        return dataEntry(req, new ChangeRange.Data(d.startBlock(), n, d.contentHash(), data), n);
    }

    /**
     * Adds a file as a read-only data segment. A file the pool staged ({@link Pool#stage}) gets a
     * second name as the segment, and its staging name goes after the commit; any other file is
     * cloned or copied, never hard-linked: the pool must not share an inode with a file that
     * someone else can write (docs/design/0007).
     */
    private int adopt(java.nio.file.Path file) throws IOException {
        int seg = e.state.currentSegment + 1;
        java.nio.file.Path target = e.segments.path(seg);
        if (e.staging.holds(file)) {
            try {
                e.layer.link(file, target);
            } catch (IOException linkRefused) {
                e.layer.cloneOrCopy(file, target);
            }
            e.afterCommit(() -> e.staging.discard(file));
        } else {
            e.layer.cloneOrCopy(file, target);
        }
        long len = java.nio.file.Files.size(target);
        e.state.setSegmentLength(seg, len);
        e.state.currentSegment = seg + 1;
        e.state.setSegmentLength(seg + 1, 0L);
        e.layer.open(e.segments.path(seg + 1), true).close();
        return seg;
    }
}
