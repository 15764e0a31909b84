package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Append-only data segment files ({@code segments/seg-NNNNNNNN.dat}). New data always goes to the
 * end of the current segment; a full segment is closed and the next one started. Space is reclaimed
 * by deleting segments nothing references (after compaction moved their live data).
 *
 * <p>Small appends are gathered in a write buffer of {@link #BUFFER_BYTES} and reach the file in
 * one write when it fills, before any fsync ({@link #touchedHandles}, {@link #freezeTouched}) and
 * before anything that looks at the file itself; reads of buffered bytes are served from it. A 4
 * KiB random write then costs a memory copy instead of a system call. Large appends go to the file
 * directly.
 */
final class Segments {
    /** Appends smaller than half of this are gathered before they reach the file. */
    static final int BUFFER_BYTES = 256 * 1024;

    private final Path dir;
    private final FileLayer layer;
    private final PoolState state;
    private final long segmentSize;
    private final Map<Integer, FileLayer.Handle> handles = new HashMap<>();
    private final Set<Integer> touched = new HashSet<>();

    /** Detached segments whose files are being removed (see {@link #detach}). */
    private final Set<Integer> unlinking = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Appended bytes not yet in the file: segment {@link #bufferSegment} from {@link #bufferAt}.
     */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);

    private int bufferSegment = -1;
    private long bufferAt;

    Segments(Path dir, FileLayer layer, PoolState state, long segmentSize) {
        this.dir = dir;
        this.layer = layer;
        this.state = state;
        this.segmentSize = segmentSize;
    }

    static String fileName(int segment) {
        return String.format("seg-%08d.dat", segment);
    }

    /** Whether a file name in {@code segments/} is one of these committed segments. */
    static boolean isSegmentOf(String fileName, java.util.Set<Integer> segments) {
        return segments.contains(idOf(fileName));
    }

    /** The segment id a file name in {@code segments/} stands for, -1 when it is no segment's. */
    private static int idOf(String fileName) {
        return fileName.matches("seg-[0-9]{8}\\.dat")
                ? Integer.parseInt(fileName.substring(4, 12))
                : -1;
    }

    Path path(int segment) {
        return dir.resolve(fileName(segment));
    }

    FileLayer.Handle handle(int segment) throws IOException {
        FileLayer.Handle h = handles.get(segment);
        if (h == null) {
            if (!state.segments.containsKey(segment)) {
                throw new CorruptDataException(
                        path(segment).toString(),
                        0,
                        "segment " + segment + " to exist in the pool");
            }
            h = layer.open(path(segment), segment == state.currentSegment);
            handles.put(segment, h);
        }
        return h;
    }

    /**
     * Appends {@code blocks * 4096} bytes to the current segment (starting a new one when it would
     * not fit) and returns the packed allocation key of the first block.
     */
    long append(ByteBuffer data) throws IOException {
        int len = data.remaining();
        long cur = state.segments.get(state.currentSegment);
        if (cur > 0 && cur + len > segmentSize) {
            state.currentSegment++;
            state.setSegmentLength(state.currentSegment, 0L);
            cur = 0;
        }
        int seg = state.currentSegment;
        if (len > BUFFER_BYTES / 2) {
            flush(); // the file gets its bytes in order
            handle(seg).write(data, cur);
        } else {
            if (buffer.position() > 0
                    && (bufferSegment != seg
                            || bufferAt + buffer.position() != cur
                            || buffer.remaining() < len)) {
                flush();
            }
            if (buffer.position() == 0) {
                bufferSegment = seg;
                bufferAt = cur;
            }
            buffer.put(data);
        }
        touched.add(seg);
        state.setSegmentLength(seg, cur + len);
        return LeafEntry.allocKey(seg, cur / Pool.BLOCK_SIZE);
    }

    /** Writes the buffered appends to their segment file. */
    void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        try {
            handle(bufferSegment).write(buffer, bufferAt);
        } finally {
            buffer.clear();
        }
    }

    /**
     * Copies the buffered bytes of {@code [pos, pos + dst.remaining())} of a segment into place in
     * {@code dst}; returns how many bytes at the start of the range precede the buffer (to read
     * from the file), or -1 when none of the range is buffered.
     */
    private int fromBuffer(int segment, long pos, ByteBuffer dst) {
        int n = buffer.position();
        long end = pos + dst.remaining();
        if (n == 0 || segment != bufferSegment || end <= bufferAt || pos >= bufferAt + n) {
            return -1;
        }
        long from = Math.max(pos, bufferAt);
        long to = Math.min(end, bufferAt + n);
        ByteBuffer src = buffer.duplicate();
        src.position((int) (from - bufferAt)).limit((int) (to - bufferAt));
        dst.duplicate().position(dst.position() + (int) (from - pos)).put(src);
        if (to < end) {
            return -2; // a range past the buffer's end: beyond what was appended
        }
        return (int) (from - pos);
    }

    private int readFile(int segment, long pos, ByteBuffer dst) throws IOException {
        int want = dst.remaining();
        int head = fromBuffer(segment, pos, dst);
        if (head == -2) {
            flush();
            head = -1;
        }
        if (head < 0) {
            return handle(segment).read(dst, pos);
        }
        if (head > 0) {
            ByteBuffer part = dst.duplicate();
            part.limit(part.position() + head);
            int got = handle(segment).read(part, pos);
            if (got != head) {
                return got;
            }
        }
        dst.position(dst.position() + want);
        return want;
    }

    /** Starts a new, empty current segment (so that the old one can be compacted). */
    void roll() throws IOException {
        state.currentSegment++;
        state.setSegmentLength(state.currentSegment, 0L);
        handle(state.currentSegment);
    }

    void read(int segment, long block, ByteBuffer dst) throws IOException {
        Long len = state.segments.get(segment);
        long pos = block * Pool.BLOCK_SIZE;
        if (len == null || pos + dst.remaining() > len) {
            throw new CorruptDataException(
                    path(segment).toString(),
                    pos,
                    dst.remaining() + " bytes inside the segment's committed length " + len);
        }
        int want = dst.remaining();
        int got = readFile(segment, pos, dst);
        if (got != want) {
            throw new CorruptDataException(
                    path(segment).toString(), pos, want + " bytes, the file ended after " + got);
        }
    }

    /** Reads bytes at a byte position of a segment. */
    void readBytes(int segment, long pos, ByteBuffer dst) throws IOException {
        Long len = state.segments.get(segment);
        if (len == null || pos + dst.remaining() > len) {
            throw new CorruptDataException(
                    path(segment).toString(),
                    pos,
                    dst.remaining() + " bytes inside the segment's length " + len);
        }
        int want = dst.remaining();
        int got = readFile(segment, pos, dst);
        if (got != want) {
            throw new CorruptDataException(
                    path(segment).toString(), pos, want + " bytes, the file ended after " + got);
        }
    }

    /**
     * The files of the segments written since the last commit, for an fsync outside the pool's
     * monitor ({@link Pool#syncData()}); they stay listed for the commit's own fsync.
     */
    java.util.List<FileLayer.Handle> touchedHandles() throws IOException {
        flush();
        java.util.List<FileLayer.Handle> out = new java.util.ArrayList<>(touched.size());
        for (int seg : touched) {
            out.add(handle(seg));
        }
        return out;
    }

    /**
     * The files of the segments written since the last commit, for that commit to fsync; later
     * writes count for the next one.
     */
    java.util.List<FileLayer.Handle> freezeTouched() throws IOException {
        java.util.List<FileLayer.Handle> out = touchedHandles();
        touched.clear();
        return out;
    }

    /** Cuts a segment back to its committed length (after a crash left a torn tail). */
    void truncateTo(int segment, long length) throws IOException {
        flush();
        if (!layer.exists(path(segment))) {
            if (length == 0) {
                layer.open(path(segment), true).close();
                return;
            }
            throw new CorruptDataException(
                    path(segment).toString(), 0, "a segment file of " + length + " bytes");
        }
        FileLayer.Handle h = handle(segment);
        long size = h.size();
        if (size < length) {
            throw new CorruptDataException(
                    path(segment).toString(),
                    size,
                    length + " committed bytes, the file has only " + size);
        }
        if (size > length) {
            h.truncate(length);
        }
    }

    /**
     * Forgets a dead segment (under the pool's monitor); its file goes with {@link #unlink}, which
     * needs no monitor: unlinking a large file takes the file system hundreds of milliseconds, and
     * writers must not wait for it. Segment ids are never reused, so nothing opens the file again.
     */
    void detach(int segment) throws IOException {
        if (segment == bufferSegment) {
            buffer.clear(); // nothing names what it holds
        }
        FileLayer.Handle h = handles.remove(segment);
        if (h != null) {
            h.close(); // when this fails, the file stays an orphan until the next open
        }
        unlinking.add(segment);
    }

    /** Removes a detached segment's file (no monitor needed). */
    void unlink(int segment) throws IOException {
        try {
            layer.delete(path(segment));
        } finally {
            unlinking.remove(segment);
        }
    }

    /** Whether a file name is that of a detached segment whose file is still being removed. */
    boolean isUnlinking(String fileName) {
        return unlinking.contains(idOf(fileName));
    }

    long fileSize(int segment) throws IOException {
        flush();
        return layer.exists(path(segment)) ? handle(segment).size() : -1;
    }

    void close() throws IOException {
        buffer.clear(); // an open transaction's writes: a close commits first (flushing them)
        for (FileLayer.Handle h : handles.values()) {
            h.close();
        }
        handles.clear();
    }
}
