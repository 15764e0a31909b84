package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gives the space of dead ranges of segments back to the file system without copying anything: a
 * dead tail is cut off (the segment's length shrinks, the file is truncated), a dead range inside
 * of at least {@link #MIN_HOLE} bytes is deallocated with {@code fallocate --punch-hole} where the
 * file system supports it. Works on the open segment too. Only ranges dead in the committed state
 * are touched, so a crash at any point leaves every committed extent readable; a segment file left
 * longer than its committed length by a crash is cut back here ({@link Checker} reports it as
 * leaked until then). Copying compaction ({@link Compactor}) handles what is left.
 */
final class Reclaimer {
    /** Smaller dead ranges are left to copying compaction: a punch costs a process start. */
    static final long MIN_HOLE = 256 << 10;

    private final Engine e;
    long trimmedBytes;
    long punchedBytes;
    long leakedBytes;
    boolean punchUnsupported;

    Reclaimer(Engine e) {
        this.e = e;
    }

    /** Live allocations of each segment as sorted {@code [start, end)} block ranges. */
    static Map<Integer, List<long[]>> liveRanges(PoolState state) {
        Map<Integer, List<long[]>> out = new TreeMap<>();
        state.allocs.forEach(
                (key, a) -> {
                    long start = LeafEntry.allocStart(key);
                    out.computeIfAbsent(LeafEntry.allocSegment(key), k -> new ArrayList<>())
                            .add(new long[] {start, start + PoolState.allocBlocks(a)});
                });
        out.values().forEach(l -> l.sort((x, y) -> Long.compare(x[0], y[0])));
        return out;
    }

    /** Runs on a committed state (no open transaction); commits the shorter lengths itself. */
    void run() throws IOException {
        Map<Integer, List<long[]>> live = liveRanges(e.state);
        List<Integer> cut = new ArrayList<>();
        for (var s : new ArrayList<>(e.state.segments.entrySet())) {
            int seg = s.getKey();
            long length = s.getValue();
            long fileSize = e.segments.fileSize(seg);
            if (fileSize > length) {
                leakedBytes += fileSize - length;
                e.segments.truncateTo(seg, length);
            }
            List<long[]> ranges = live.getOrDefault(seg, List.of());
            long end = 0;
            for (long[] r : ranges) {
                end = Math.max(end, r[1] * Engine.BS);
            }
            if (end < length && (seg == e.state.currentSegment || end > 0)) {
                e.state.setSegmentLength(seg, end);
                trimmedBytes += length - end;
                cut.add(seg);
            }
            long pos = 0;
            for (long[] r : ranges) {
                punch(seg, pos, r[0] * Engine.BS);
                pos = Math.max(pos, r[1] * Engine.BS);
            }
        }
        for (java.nio.file.Path p : e.layer.list(e.dir.resolve(Engine.SEGMENTS))) {
            if (!Segments.isSegmentOf(p.getFileName().toString(), e.state.segments.keySet())) {
                leakedBytes += java.nio.file.Files.size(p);
                e.layer.delete(p); // a file no commit names (a crash left it)
            }
        }
        if (!cut.isEmpty()) {
            e.commit();
            for (int seg : cut) {
                if (e.state.segments.containsKey(seg)) {
                    e.segments.truncateTo(seg, e.state.segments.get(seg));
                }
            }
        }
    }

    private void punch(int seg, long from, long to) throws IOException {
        if (to - from < MIN_HOLE || punchUnsupported || alreadyHole(seg, from, to)) {
            return;
        }
        if (e.layer.punchHole(e.segments.path(seg), from, to - from)) {
            punchedBytes += to - from;
        } else {
            punchUnsupported = true;
        }
    }

    /**
     * Whether a dead range was punched before: its first and last blocks read as zeros. The engine
     * never stores an all-zero block (zeros are unmapped), so live or dead data never looks so.
     */
    private boolean alreadyHole(int seg, long from, long to) throws IOException {
        for (long at : new long[] {from, to - Engine.BS}) {
            ByteBuffer b = ByteBuffer.allocate(Engine.BS);
            e.segments.read(seg, at / Engine.BS, b);
            for (int i = 0; i < Engine.BS; i++) {
                if (b.get(i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
