package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies every invariant of an open pool without changing it: tree order and key bounds, node
 * checksums and Merkle sums, snapshot root hashes, that reference counts equal the references
 * found, extents inside their allocations and segments, and that every page is either referenced or
 * free. Optionally re-hashes all data.
 */
final class Checker {
    private final Engine e;
    private final boolean verifyData;
    private final List<String> problems = new ArrayList<>();
    private final Map<Long, Integer> pageRefs = new HashMap<>();
    private final Map<Long, Integer> allocRefs = new HashMap<>();
    private final Set<Long> visited = new HashSet<>();
    private long extents;

    Checker(Engine e, boolean verifyData) {
        this.e = e;
        this.verifyData = verifyData;
    }

    CheckReport run() {
        for (PoolState.VolumeRec v : e.state.volumes.values()) {
            root("volume '" + v.name() + "'", v.root(), v.size());
        }
        for (PoolState.SnapRec s : e.state.snapshots.values()) {
            root("snapshot " + s.id(), s.root(), s.size());
            byte[] expect = e.rootHash(s.root(), s.size());
            if (!Arrays.equals(expect, s.rootHash())) {
                problem(
                        "Snapshot %s records root hash %s but its tree hashes to %s",
                        s.id(), Hex.encode(s.rootHash()), Hex.encode(expect));
            }
        }
        compareRefs();
        checkSpace();
        checkContentIndex();
        return new CheckReport(problems, visited.size(), extents, space());
    }

    /** Space accounting, with what crashes left that no commit names. */
    private SpaceReport space() {
        long segmentBytes = 0;
        long live = 0;
        long leaked = 0;
        List<String> leaks = new ArrayList<>();
        for (var s : e.state.segments.entrySet()) {
            segmentBytes += s.getValue();
            live += e.state.segmentLive.getOrDefault(s.getKey(), 0L) * Engine.BS;
            try {
                long size = e.segments.fileSize(s.getKey());
                if (size > s.getValue()) {
                    leaked += size - s.getValue();
                    leaks.add(
                            String.format(
                                    "%s: %d bytes past the committed length %d",
                                    e.segments.path(s.getKey()).getFileName(),
                                    size - s.getValue(),
                                    s.getValue()));
                }
            } catch (IOException ex) {
                // reported by checkSpace
            }
        }
        try {
            for (java.nio.file.Path p : e.layer.list(e.dir.resolve(Engine.SEGMENTS))) {
                String n = p.getFileName().toString();
                if (!Segments.isSegmentOf(n, e.state.segments.keySet())
                        && !e.segments.isUnlinking(n)) {
                    long size;
                    try {
                        size = java.nio.file.Files.size(p);
                    } catch (java.nio.file.NoSuchFileException gone) {
                        continue; // a dead segment's file, removed since the listing
                    }
                    leaked += size;
                    leaks.add(String.format("%s: %d bytes no commit names", n, size));
                }
            }
            long staged = e.staging.bytes();
            if (staged > 0) {
                leaked += staged;
                leaks.add(
                        String.format("%s/: %d bytes of unfinished imports", Staging.DIR, staged));
            }
        } catch (IOException ex) {
            problem("Cannot list the pool's files: %s", ex.getMessage());
        }
        return new SpaceReport(
                segmentBytes,
                live,
                NativeFiles.allocatedBytes(e.dir.resolve(Engine.SEGMENTS)),
                leaked,
                leaks,
                e.reserve.held());
    }

    /**
     * Every content index entry names an extent of a snapshot with exactly its blocks and content
     * (export turns matches into references to it, so a stale entry would reference wrong bytes).
     */
    private void checkContentIndex() {
        e.state.contentIndex.forEach(
                (hi, lo, snapshot, lba, blocks) -> {
                    PoolState.SnapRec s = e.state.snapshots.get(snapshot);
                    if (s == null) {
                        problem(
                                "Content index entry %016x%016x names snapshot %s, which the pool"
                                        + " does not have",
                                hi, lo, snapshot);
                    } else if (!e.holdsExtent(
                            s.root(), lba, blocks, new PoolState.HashKey(hi, lo))) {
                        problem(
                                "Content index entry %016x%016x names blocks [%d, %d) of snapshot"
                                        + " %s, which hold no extent with that content",
                                hi, lo, lba, lba + blocks, snapshot);
                    }
                });
    }

    private void problem(String fmt, Object... args) {
        if (problems.size() < 1000) {
            problems.add(String.format(fmt, args));
        }
    }

    private void root(String what, long root, long size) {
        if (size <= 0 || size % Engine.BS != 0) {
            problem("%s has size %d, not a positive multiple of %d", what, size, Engine.BS);
        }
        if (root == 0) {
            return;
        }
        pageRefs.merge(root, 1, Integer::sum);
        visit(what, root, -1, Long.MIN_VALUE, size / Engine.BS);
    }

    private Node load(String what, long page) {
        try {
            return e.store.isDirty(page) ? e.store.read(page) : e.store.readFromDisk(page);
        } catch (RuntimeException ex) {
            problem("%s: cannot read page %d: %s", what, page, ex.getMessage());
            return null;
        }
    }

    /** Visits a subtree once; {@code level} is the expected level (-1 for a root). */
    private void visit(String what, long page, int level, long lo, long hi) {
        if (!visited.add(page)) {
            return;
        }
        Node n = load(what, page);
        if (n == null) {
            return;
        }
        if (level >= 0 && n.level != level) {
            problem("%s: page %d has level %d, expected %d", what, page, n.level, level);
        }
        if (n.size() == 0) {
            problem("%s: page %d is empty", what, page);
            return;
        }
        long[] sum = Hashing.zeroSum();
        if (n.isLeaf()) {
            long prevEnd = lo;
            for (LeafEntry x : n.entries) {
                extents++;
                if (x.lba() < prevEnd) {
                    problem(
                            "%s: page %d entry at %d overlaps or precedes %d",
                            what, page, x.lba(), prevEnd);
                }
                if (x.blocks() <= 0 || x.blocks() > Engine.MAX_EXTENT_BLOCKS) {
                    problem(
                            "%s: page %d entry at %d has %d blocks",
                            what, page, x.lba(), x.blocks());
                }
                if (x.end() > hi) {
                    problem(
                            "%s: page %d entry [%d, %d) passes bound %d",
                            what, page, x.lba(), x.end(), hi);
                }
                prevEnd = x.end();
                checkExtent(what, page, x);
                Hashing.add(sum, x.contribution());
            }
        } else {
            for (int i = 0; i < n.children.size(); i++) {
                long key = n.keys.get(i);
                long next = i + 1 < n.keys.size() ? n.keys.get(i + 1) : hi;
                if (key < lo || (i > 0 && key <= n.keys.get(i - 1))) {
                    problem("%s: page %d key %d out of order", what, page, key);
                }
                long child = n.children.get(i);
                pageRefs.merge(child, 1, Integer::sum);
                visit(what, child, n.level - 1, key, next);
                Node c = load(what, child);
                if (c != null && c.size() > 0) {
                    if (c.minKey() != key) {
                        problem(
                                "%s: page %d key %d but child %d starts at %d",
                                what, page, key, child, c.minKey());
                    }
                    if (!Arrays.equals(c.sum, n.childSums.get(i))) {
                        problem("%s: page %d holds a stale sum of child %d", what, page, child);
                    }
                }
                Hashing.add(sum, n.childSums.get(i));
            }
        }
        if (!Arrays.equals(sum, n.sum)) {
            problem(
                    "%s: page %d Merkle sum does not match its %s",
                    what, page, n.isLeaf() ? "entries" : "children");
        }
    }

    private void checkExtent(String what, long page, LeafEntry x) {
        long key = x.allocKey();
        allocRefs.merge(key, 1, Integer::sum);
        PoolState.AllocRec a = e.state.alloc(key);
        if (a == null) {
            problem(
                    "%s: page %d entry at %d names unknown allocation %d:%d",
                    what, page, x.lba(), x.segment(), x.allocBlock());
            return;
        }
        if (x.dataBlock() < x.allocBlock()
                || x.dataBlock() + x.blocks() > x.allocBlock() + a.blocks()) {
            problem("%s: page %d entry at %d lies outside its allocation", what, page, x.lba());
        }
        Long segLen = e.state.segments.get(x.segment());
        if (segLen == null || (x.allocBlock() + a.blocks()) * Engine.BS > segLen) {
            problem(
                    "%s: page %d entry at %d passes the end of segment %d (%s bytes)",
                    what, page, x.lba(), x.segment(), segLen);
            return;
        }
        if (verifyData) {
            ByteBuffer buf = ByteBuffer.allocate(x.blocks() * Engine.BS);
            try {
                e.segments.read(x.segment(), x.dataBlock(), buf);
                buf.flip();
                if (!x.hashEquals(Hashing.sha256(buf))) {
                    problem(
                            "%s: extent at %d (segment %d block %d) does not match its hash",
                            what, x.lba(), x.segment(), x.dataBlock());
                }
            } catch (IOException | RuntimeException ex) {
                problem("%s: cannot read extent at %d: %s", what, x.lba(), ex.getMessage());
            }
        }
    }

    private void compareRefs() {
        Set<Long> pages = new HashSet<>(pageRefs.keySet());
        for (long p : e.state.pageRefs.keys()) {
            pages.add(p);
        }
        for (long p : pages) {
            int want = pageRefs.getOrDefault(p, 0);
            int have = e.state.pageRefs(p);
            if (want != have) {
                problem("Page %d has reference count %d but %d references", p, have, want);
            }
        }
        Set<Long> keys = new HashSet<>(allocRefs.keySet());
        for (long k : e.state.allocs.keys()) {
            keys.add(k);
        }
        for (long k : keys) {
            int want = allocRefs.getOrDefault(k, 0);
            PoolState.AllocRec a = e.state.alloc(k);
            int have = a == null ? 0 : a.refs();
            if (want != have) {
                problem(
                        "Allocation %d:%d has reference count %d but %d references",
                        LeafEntry.allocSegment(k), LeafEntry.allocStart(k), have, want);
            }
        }
    }

    private void checkSpace() {
        for (long p = 1; p < e.state.nextPageId; p++) {
            boolean used = e.state.pageRefs(p) > 0;
            boolean free = e.store.isFree(p);
            if (used == free) {
                problem(
                        "Page %d is %s",
                        p,
                        used
                                ? "both referenced and free"
                                : "neither" + " referenced nor free (leaked)");
            }
        }
        for (long p : e.state.pageRefs.keys()) {
            if (p >= e.state.nextPageId) {
                problem("Page %d is referenced but lies past the end %d", p, e.state.nextPageId);
            }
        }
        Map<Integer, Long> live = new HashMap<>();
        Map<Integer, List<long[]>> ranges = new HashMap<>();
        e.state.allocs.forEach(
                (key, a) -> {
                    int seg = LeafEntry.allocSegment(key);
                    long start = LeafEntry.allocStart(key);
                    int blocks = PoolState.allocBlocks(a);
                    live.merge(seg, (long) blocks, Long::sum);
                    ranges.computeIfAbsent(seg, k -> new ArrayList<>())
                            .add(new long[] {start, start + blocks});
                });
        for (var r : ranges.entrySet()) {
            List<long[]> list = r.getValue();
            list.sort((x, y) -> Long.compare(x[0], y[0]));
            for (int i = 1; i < list.size(); i++) {
                if (list.get(i)[0] < list.get(i - 1)[1]) {
                    problem(
                            "Allocations overlap in segment %d at block %d",
                            r.getKey(), list.get(i)[0]);
                }
            }
        }
        for (var s : e.state.segments.entrySet()) {
            long want = live.getOrDefault(s.getKey(), 0L);
            long have = e.state.segmentLive.getOrDefault(s.getKey(), 0L);
            if (want != have) {
                problem(
                        "Segment %d counts %d live blocks but allocations hold %d",
                        s.getKey(), have, want);
            }
            try {
                long size = e.segments.fileSize(s.getKey());
                if (size < s.getValue()) {
                    problem(
                            "Segment %d file has %d bytes, fewer than its length %d",
                            s.getKey(), size, s.getValue());
                }
            } catch (IOException ex) {
                problem("Segment %d cannot be read: %s", s.getKey(), ex.getMessage());
            }
        }
        for (int seg : live.keySet()) {
            if (!e.state.segments.containsKey(seg)) {
                problem("Allocations live in segment %d, which the pool does not list", seg);
            }
        }
    }
}
