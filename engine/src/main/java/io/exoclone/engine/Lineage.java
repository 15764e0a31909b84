package io.exoclone.engine;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Git-like lineage operations on volumes: rebase and three-way merge at block granularity. */
final class Lineage {
    /** What a merge or rebase did to the volume's tree. */
    record Outcome(
            PoolState.SnapRec ancestor,
            List<SnapshotDiff.ChangedRange> applied,
            List<SnapshotDiff.ChangedRange> conflicts) {}

    private final Engine e;

    Lineage(Engine e) {
        this.e = e;
    }

    /** Copies the mappings of {@code ranges} from {@code source} into {@code target}. */
    long apply(long target, long source, List<SnapshotDiff.ChangedRange> ranges)
            throws IOException {
        for (SnapshotDiff.ChangedRange r : ranges) {
            target = e.punch(target, r.startBlock(), r.endBlock());
            if (r.zero()) {
                continue;
            }
            for (LeafEntry x : e.tree.entries(source, r.startBlock(), r.endBlock())) {
                long a = Math.max(x.lba(), r.startBlock());
                long b = Math.min(x.end(), r.endBlock());
                LeafEntry piece = a == x.lba() && b == x.end() ? x : e.piece(x, a, b);
                target = e.tree.replace(target, -1, List.of(piece));
            }
        }
        return target;
    }

    /** Replays the volume's changes since its base onto another snapshot. */
    Outcome rebase(String volume, UUID onto) throws IOException {
        PoolState.VolumeRec v = e.volume(volume);
        PoolState.SnapRec target = e.snapshot(onto);
        if (target.size() != v.size()) {
            throw new InvalidArgumentException(
                    "Cannot rebase volume '"
                            + volume
                            + "' of "
                            + v.size()
                            + " bytes onto "
                            + onto
                            + " of "
                            + target.size()
                            + " bytes");
        }
        long baseRoot = 0;
        if (v.base() != null) {
            PoolState.SnapRec base = e.state.snapshots.get(v.base());
            if (base == null) {
                throw new NotFoundException(
                        "The base "
                                + v.base()
                                + " of volume '"
                                + volume
                                + "' is no longer in the pool, so its own changes are unknown");
            }
            baseRoot = base.root();
        }
        List<SnapshotDiff.ChangedRange> mine = new Differ(e.store).diff(baseRoot, v.root());
        long root = target.root();
        if (root != 0) {
            e.store.incRef(root);
        }
        root = apply(root, v.root(), mine);
        if (v.root() != 0) {
            e.store.decRef(v.root());
        }
        e.state.putVolume(v.withRoot(root).withBase(onto));
        e.pendingIndex.remove(volume);
        return new Outcome(target, mine, List.of());
    }

    /** The nearest snapshot that is an ancestor of both (following both parents of merges). */
    PoolState.SnapRec commonAncestor(UUID a, UUID b) {
        Set<UUID> ofA = new HashSet<>();
        Deque<UUID> todo = new ArrayDeque<>();
        if (a != null) {
            todo.add(a);
        }
        while (!todo.isEmpty()) {
            UUID id = todo.poll();
            PoolState.SnapRec s = e.state.snapshots.get(id);
            if (s != null && ofA.add(id)) {
                if (s.parent() != null) {
                    todo.add(s.parent());
                }
                if (s.mergeParent() != null) {
                    todo.add(s.mergeParent());
                }
            }
        }
        Set<UUID> seen = new HashSet<>();
        todo.add(b);
        while (!todo.isEmpty()) {
            UUID id = todo.poll();
            PoolState.SnapRec s = e.state.snapshots.get(id);
            if (s == null || !seen.add(id)) {
                continue;
            }
            if (ofA.contains(id)) {
                return s;
            }
            if (s.parent() != null) {
                todo.add(s.parent());
            }
            if (s.mergeParent() != null) {
                todo.add(s.mergeParent());
            }
        }
        return null;
    }

    /**
     * Three-way merge of snapshot {@code other} into a volume. Returns the ranges to take from
     * {@code other} and the conflicts; changes the volume's tree (not yet committed).
     */
    Outcome merge(String volume, UUID other, MergeStrategy strategy) throws IOException {
        PoolState.VolumeRec v = e.volume(volume);
        PoolState.SnapRec theirs = e.snapshot(other);
        if (theirs.size() != v.size()) {
            throw new InvalidArgumentException(
                    "Cannot merge "
                            + other
                            + " ("
                            + theirs.size()
                            + " bytes) into volume '"
                            + volume
                            + "' ("
                            + v.size()
                            + " bytes)");
        }
        PoolState.SnapRec anc = commonAncestor(v.base(), other);
        long ancRoot = anc == null ? 0 : anc.root();
        List<SnapshotDiff.ChangedRange> ours = new Differ(e.store).diff(ancRoot, v.root());
        List<SnapshotDiff.ChangedRange> theirsChanged =
                new Differ(e.store).diff(ancRoot, theirs.root());
        List<SnapshotDiff.ChangedRange> take = new ArrayList<>();
        List<SnapshotDiff.ChangedRange> conflicts = new ArrayList<>();
        int i = 0;
        for (SnapshotDiff.ChangedRange t : theirsChanged) {
            long pos = t.startBlock();
            while (i < ours.size() && ours.get(i).endBlock() <= pos) {
                i++;
            }
            int j = i;
            while (pos < t.endBlock()) {
                SnapshotDiff.ChangedRange o = j < ours.size() ? ours.get(j) : null;
                if (o == null || o.startBlock() >= t.endBlock()) {
                    take.add(new SnapshotDiff.ChangedRange(pos, t.endBlock() - pos, t.zero()));
                    break;
                }
                if (o.startBlock() > pos) {
                    take.add(new SnapshotDiff.ChangedRange(pos, o.startBlock() - pos, t.zero()));
                    pos = o.startBlock();
                }
                long end = Math.min(o.endBlock(), t.endBlock());
                if (!sameContent(v.root(), theirs.root(), pos, end)) {
                    conflicts.add(new SnapshotDiff.ChangedRange(pos, end - pos, t.zero()));
                }
                pos = end;
                if (o.endBlock() <= pos) {
                    j++;
                }
            }
        }
        if (!conflicts.isEmpty() && strategy == MergeStrategy.FAIL) {
            StringBuilder msg = new StringBuilder();
            msg.append("Merge of ")
                    .append(other)
                    .append(" into volume '")
                    .append(volume)
                    .append("' has ")
                    .append(conflicts.size())
                    .append(" conflicting range(s); nothing was changed. Blocks:");
            for (int k = 0; k < Math.min(10, conflicts.size()); k++) {
                SnapshotDiff.ChangedRange c = conflicts.get(k);
                msg.append(' ').append(c.startBlock()).append('+').append(c.blocks());
            }
            if (conflicts.size() > 10) {
                msg.append(" ...");
            }
            msg.append(". Use --strategy ours or theirs to resolve.");
            throw new MergeConflictException(msg.toString(), conflicts);
        }
        List<SnapshotDiff.ChangedRange> apply = new ArrayList<>(take);
        if (strategy == MergeStrategy.THEIRS) {
            apply.addAll(conflicts);
            apply.sort((x, y) -> Long.compare(x.startBlock(), y.startBlock()));
        }
        long root = apply(v.root(), theirs.root(), apply);
        e.state.putVolume(v.withRoot(root));
        e.pendingIndex.remove(volume);
        return new Outcome(anc, apply, conflicts);
    }

    private boolean sameContent(long a, long b, long from, long to) throws IOException {
        for (long blk = from; blk < to; blk += 256) {
            int n = (int) Math.min(256, to - blk);
            byte[] x = new byte[n * Engine.BS];
            byte[] y = new byte[n * Engine.BS];
            e.readInto(a, blk * Engine.BS, x, 0, x.length);
            e.readInto(b, blk * Engine.BS, y, 0, y.length);
            if (!Arrays.equals(x, y)) {
                return false;
            }
        }
        return true;
    }
}
