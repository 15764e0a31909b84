package io.exoclone.engine;

/**
 * One extent in a leaf: logical blocks {@code [lba, lba+blocks)} live in segment {@code segment} at
 * block {@code dataBlock}. The bytes belong to the allocation that starts at {@code allocBlock} of
 * that segment; allocations are what is reference counted (a split extent keeps pointing into its
 * original allocation).
 */
final class LeafEntry {
    static final int BYTES = 8 + 4 + 4 + 4 + 4 + Hashing.HASH_BYTES;

    private final long lba;
    private final int blocks;
    private final int segment;
    private final long dataBlock;
    private final long allocBlock;

    // The content hash in the entry itself: an array per entry doubled the objects a pool keeps per
    // extent, and the collector copies every one that a snapshot keeps.
    private final long h0;
    private final long h1;
    private final long h2;
    private final long h3;

    LeafEntry(long lba, int blocks, int segment, long dataBlock, long allocBlock, byte[] hash) {
        this(
                lba,
                blocks,
                segment,
                dataBlock,
                allocBlock,
                Hashing.longAt(checkHash(hash), 0),
                Hashing.longAt(hash, 8),
                Hashing.longAt(hash, 16),
                Hashing.longAt(hash, 24));
    }

    /** An entry whose content hash is given as its four big-endian longs, in order. */
    LeafEntry(
            long lba,
            int blocks,
            int segment,
            long dataBlock,
            long allocBlock,
            long h0,
            long h1,
            long h2,
            long h3) {
        this.lba = lba;
        this.blocks = blocks;
        this.segment = segment;
        this.dataBlock = dataBlock;
        this.allocBlock = allocBlock;
        this.h0 = h0;
        this.h1 = h1;
        this.h2 = h2;
        this.h3 = h3;
    }

    private static byte[] checkHash(byte[] hash) {
        if (hash.length != Hashing.HASH_BYTES) {
            throw new IllegalArgumentException("A content hash has 32 bytes, not " + hash.length);
        }
        return hash;
    }

    long lba() {
        return lba;
    }

    int blocks() {
        return blocks;
    }

    int segment() {
        return segment;
    }

    long dataBlock() {
        return dataBlock;
    }

    long allocBlock() {
        return allocBlock;
    }

    /** The content hash (a new array each call). */
    byte[] hash() {
        byte[] h = new byte[Hashing.HASH_BYTES];
        Hashing.putLongAt(h, 0, h0);
        Hashing.putLongAt(h, 8, h1);
        Hashing.putLongAt(h, 16, h2);
        Hashing.putLongAt(h, 24, h3);
        return h;
    }

    /** The first 8 bytes of the content hash, big-endian (see {@link PoolState.HashKey}). */
    long hashHi() {
        return h0;
    }

    /** Bytes 8 to 16 of the content hash, big-endian. */
    long hashLo() {
        return h1;
    }

    /** Whether the content hash is {@code hash}. */
    boolean hashEquals(byte[] hash) {
        return hash.length == Hashing.HASH_BYTES
                && Hashing.longAt(hash, 0) == h0
                && Hashing.longAt(hash, 8) == h1
                && Hashing.longAt(hash, 16) == h2
                && Hashing.longAt(hash, 24) == h3;
    }

    /** Writes the content hash at {@code b}'s position (32 bytes, as stored). */
    void putHash(java.nio.ByteBuffer b) {
        java.nio.ByteOrder order = b.order();
        b.order(java.nio.ByteOrder.BIG_ENDIAN).putLong(h0).putLong(h1).putLong(h2).putLong(h3);
        b.order(order);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LeafEntry x
                && x.lba == lba
                && x.blocks == blocks
                && x.segment == segment
                && x.dataBlock == dataBlock
                && x.allocBlock == allocBlock
                && x.h0 == h0
                && x.h1 == h1
                && x.h2 == h2
                && x.h3 == h3;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lba * 31 + allocBlock) ^ Long.hashCode(h0);
    }

    @Override
    public String toString() {
        return "LeafEntry[lba="
                + lba
                + ", blocks="
                + blocks
                + ", segment="
                + segment
                + ", dataBlock="
                + dataBlock
                + ", allocBlock="
                + allocBlock
                + ", hash="
                + Hex.encode(hash())
                + "]";
    }

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
        return new Extent(lba, blocks, segment, dataBlock, hash());
    }

    long[] contribution() {
        return Hashing.contribution(lba, blocks, hash());
    }
}
