package io.exoclone.engine;

/**
 * One extent in a leaf: logical blocks {@code [lba, lba+blocks)} live in segment {@code segment} at
 * block {@code dataBlock}. The bytes belong to the allocation that starts at {@code allocBlock} of
 * that segment; allocations are what is reference counted (a split extent keeps pointing into its
 * original allocation).
 */
record LeafEntry(long lba, int blocks, int segment, long dataBlock, long allocBlock, byte[] hash) {
    static final int BYTES = 8 + 4 + 4 + 4 + 4 + Hashing.HASH_BYTES;

    long end() {
        return lba + blocks;
    }

    long allocKey() {
        return allocKey(segment, allocBlock);
    }

    static long allocKey(int segment, long allocBlock) {
        return ((long) segment << 32) | allocBlock;
    }

    static int allocSegment(long key) {
        return (int) (key >>> 32);
    }

    static long allocStart(long key) {
        return key & 0xffffffffL;
    }

    /** Physical block backing logical block {@code b} (which must lie inside this entry). */
    long physical(long b) {
        return dataBlock + (b - lba);
    }

    Extent toExtent() {
        return new Extent(lba, blocks, segment, dataBlock, hash);
    }

    long[] contribution() {
        return Hashing.contribution(lba, blocks, hash);
    }
}
