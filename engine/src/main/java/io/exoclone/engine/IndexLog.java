package io.exoclone.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The content index changes of one transaction, in the order made: a new entry (key, snapshot, lba,
 * blocks) or a removal (key alone). Six longs per change in chunks of 48 KiB that are never copied,
 * like {@link PairLog}: the first snapshot after a burst of writes binds hundreds of thousands of
 * extents, and a record object per change would live until the next commit.
 */
final class IndexLog {
    private static final int FIELDS = 6; // hi, lo, snapshot msb, snapshot lsb, lba, blocks
    private static final int PER_CHUNK = 1024;

    private final List<long[]> chunks = new ArrayList<>();
    private int size;

    /** The chunk the next change goes into. */
    private long[] nextChunk() {
        int at = size % PER_CHUNK;
        if (at == 0) {
            chunks.add(new long[PER_CHUNK * FIELDS]);
        }
        return chunks.get(chunks.size() - 1);
    }

    /** Records a new entry. */
    void put(long hi, long lo, UUID snapshot, long lba, int blocks) {
        long[] c = nextChunk();
        int o = (size % PER_CHUNK) * FIELDS;
        c[o] = hi;
        c[o + 1] = lo;
        c[o + 2] = snapshot.getMostSignificantBits();
        c[o + 3] = snapshot.getLeastSignificantBits();
        c[o + 4] = lba;
        c[o + 5] = blocks;
        size++;
    }

    /** Records a removal. */
    void remove(long hi, long lo) {
        long[] c = nextChunk();
        int o = (size % PER_CHUNK) * FIELDS;
        c[o] = hi;
        c[o + 1] = lo;
        c[o + 2] = c[o + 3] = c[o + 4] = c[o + 5] = 0;
        size++;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** What {@link #forEach} calls for every change; {@code snapshot} is null for a removal. */
    interface Visitor {
        void visit(long hi, long lo, UUID snapshot, long lba, int blocks);
    }

    /** Visits the changes in the order they were made. */
    void forEach(Visitor v) {
        for (int i = 0; i < size; i++) {
            long[] c = chunks.get(i / PER_CHUNK);
            int o = (i % PER_CHUNK) * FIELDS;
            int blocks = (int) c[o + 5];
            if (blocks == 0) {
                v.visit(c[o], c[o + 1], null, 0, 0);
            } else {
                v.visit(c[o], c[o + 1], new UUID(c[o + 2], c[o + 3]), c[o + 4], blocks);
            }
        }
    }
}
