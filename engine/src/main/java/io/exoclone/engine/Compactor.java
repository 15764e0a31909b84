package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Segment compaction: copies the live allocations of sparsely used segments to the end of the
 * current segment and rewrites every node that points at them, so the old segments hold nothing and
 * are deleted at the next commit. Shared nodes stay shared (each page is rewritten once and keeps
 * its reference count); content hashes and Merkle sums do not change.
 */
final class Compactor {
    private final Engine e;
    private final Set<Integer> victims = new TreeSet<>();
    private final Map<Long, Long> movedPages = new HashMap<>();
    private final Map<Long, Long> movedAllocs = new HashMap<>();
    private long copiedBytes;

    Compactor(Engine e) {
        this.e = e;
    }

    /** The open segment is compacted too once it holds at least this much. */
    private static final long MIN_OPEN_SEGMENT_BYTES = 1 << 20;

    /**
     * Returns the bytes of segment files freed, net of the bytes copied. Copies at most {@code
     * budget} bytes of live data (the free space of the file system): emptiest segments first, so
     * that on a nearly full disk compaction does what fits instead of failing.
     */
    long run(double maxLiveRatio, long budget) throws IOException {
        long open = e.state.segments.get(e.state.currentSegment);
        long openLive = e.state.segmentLive.getOrDefault(e.state.currentSegment, 0L);
        if (open >= MIN_OPEN_SEGMENT_BYTES
                && openLive < maxLiveRatio * (open / Engine.BS)
                && openLive * Engine.BS <= budget) {
            e.segments.roll(); // the open segment becomes a candidate like any other
        }
        List<long[]> candidates = new ArrayList<>(); // {segment, live blocks}
        for (var s : e.state.segments.entrySet()) {
            int seg = s.getKey();
            long blocks = s.getValue() / Engine.BS;
            long live = e.state.segmentLive.getOrDefault(seg, 0L);
            if (seg != e.state.currentSegment && blocks > 0 && live < maxLiveRatio * blocks) {
                candidates.add(new long[] {seg, live});
            }
        }
        candidates.sort((x, y) -> Long.compare(x[1], y[1]));
        long victimBytes = 0;
        long copying = 0;
        for (long[] c : candidates) {
            copying += c[1] * Engine.BS;
            if (copying > budget && c[1] > 0) {
                break;
            }
            victims.add((int) c[0]);
            victimBytes += e.state.segments.get((int) c[0]);
        }
        if (victims.isEmpty()) {
            return 0;
        }
        for (String name : new ArrayList<>(e.state.volumes.keySet())) {
            PoolState.VolumeRec v = e.state.volumes.get(name);
            if (v.root() != 0) {
                e.state.putVolume(v.withRoot(rewrite(v.root())));
            }
        }
        for (PoolState.SnapRec s : new ArrayList<>(e.state.snapshots.values())) {
            if (s.root() != 0) {
                long root = rewrite(s.root());
                if (root != s.root()) {
                    e.state.putSnapshot(
                            new PoolState.SnapRec(
                                    s.id(),
                                    s.parent(),
                                    s.mergeParent(),
                                    s.volume(),
                                    s.volumeId(),
                                    s.generation(),
                                    s.createdMillis(),
                                    s.tag(),
                                    s.size(),
                                    root,
                                    s.rootHash()));
                }
            }
        }
        e.commitReclaiming();
        return Math.max(0, victimBytes - copiedBytes);
    }

    private long rewrite(long page) throws IOException {
        Long done = movedPages.get(page);
        if (done != null) {
            return done;
        }
        Node n = e.store.read(page);
        long result = page;
        if (n.isLeaf()) {
            boolean touches = false;
            for (LeafEntry x : n.entries) {
                touches |= victims.contains(x.segment());
            }
            if (touches) {
                Node copy = e.store.relocate(n);
                for (int i = 0; i < copy.entries.size(); i++) {
                    LeafEntry x = copy.entries.get(i);
                    if (victims.contains(x.segment())) {
                        long key = moveAlloc(x.allocKey());
                        int seg = LeafEntry.allocSegment(key);
                        long start = LeafEntry.allocStart(key);
                        copy.entries.set(
                                i,
                                new LeafEntry(
                                        x.lba(),
                                        x.blocks(),
                                        seg,
                                        start + (x.dataBlock() - x.allocBlock()),
                                        start,
                                        x.hash()));
                    }
                }
                result = copy.pageId;
            }
        } else {
            List<Long> kids = new ArrayList<>(n.children);
            List<Long> newKids = new ArrayList<>(kids.size());
            boolean changed = false;
            for (long c : kids) {
                long nc = rewrite(c);
                newKids.add(nc);
                changed |= nc != c;
            }
            if (changed) {
                Node copy = e.store.relocate(n);
                for (int i = 0; i < newKids.size(); i++) {
                    copy.children.set(i, newKids.get(i));
                }
                result = copy.pageId;
            }
        }
        movedPages.put(page, result);
        return result;
    }

    private long moveAlloc(long oldKey) throws IOException {
        Long done = movedAllocs.get(oldKey);
        if (done != null) {
            return done;
        }
        PoolState.AllocRec a = e.state.alloc(oldKey);
        ByteBuffer data = ByteBuffer.allocate(a.blocks() * Engine.BS);
        e.segments.read(LeafEntry.allocSegment(oldKey), LeafEntry.allocStart(oldKey), data);
        data.flip();
        long newKey = e.segments.append(data);
        copiedBytes += (long) a.blocks() * Engine.BS;
        e.state.moveAlloc(oldKey, newKey);
        movedAllocs.put(oldKey, newKey);
        return newKey;
    }
}
