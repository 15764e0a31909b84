package io.exoclone.engine;

/**
 * One mapping of the volume B-tree: {@code blocks} logical blocks starting at {@code lba} live in
 * data segment {@code segment} at block {@code offset}. {@code contentHash} is the SHA-256 of the
 * extent's bytes, independent of where it lives, so equal content has equal hashes.
 */
public record Extent(long lba, int blocks, int segment, long offset, byte[] contentHash) {
    public Extent {
        contentHash = contentHash.clone();
    }

    public long endLba() {
        return lba + blocks;
    }

    @Override
    public byte[] contentHash() {
        return contentHash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Extent e
                && e.lba == lba
                && e.blocks == blocks
                && e.segment == segment
                && e.offset == offset
                && java.util.Arrays.equals(e.contentHash, contentHash);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lba) * 31 + Long.hashCode(offset) * 17 + segment;
    }

    @Override
    public String toString() {
        return "Extent[lba="
                + lba
                + ", blocks="
                + blocks
                + ", seg="
                + segment
                + ", off="
                + offset
                + ", hash="
                + Hex.encode(contentHash).substring(0, 12)
                + "]";
    }
}
