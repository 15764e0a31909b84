package io.exoclone.jobs.assemble;

/**
 * What the dedup index needs of a DATA chunk, without its bytes (a Flink POJO): the claim check
 * that travels to the operator keyed by content hash while the payload goes straight to the
 * assembler. About 120 bytes on the wire instead of up to 64 KiB.
 */
public class Claim {
    /** The SHA-256 of the chunk's bytes, as the engine computed it when it wrote them. */
    public byte[] contentHash;

    public int blocks;
    public long startBlock;
    public String snapshotId;
    public long ordinal;

    /** {@link Chunk#snapshotOrder} of the chunk's snapshot. */
    public long snapshotOrder;

    public Claim() {}

    static Claim of(Chunk c) {
        Claim k = new Claim();
        k.contentHash = c.contentHash;
        k.blocks = c.blocks;
        k.startBlock = c.startBlock;
        k.snapshotId = c.snapshotId;
        k.ordinal = c.ordinal;
        k.snapshotOrder = c.snapshotOrder;
        return k;
    }

    /** The key of the dedup operator: the bucket of the content hash ({@link DedupBucket#of}). */
    public int dedupBucket() {
        return DedupBucket.of(contentHash);
    }
}
