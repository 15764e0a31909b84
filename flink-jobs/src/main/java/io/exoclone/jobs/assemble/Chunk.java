package io.exoclone.jobs.assemble;

/**
 * One whole changed range of a snapshot (parts re-joined), the unit of dedup and of the file's
 * range list (a Flink POJO). {@link #ordinal} is its position in the snapshot's block order.
 */
public class Chunk {
    public static final byte DATA = RangePart.DATA;
    public static final byte ZERO = RangePart.ZERO;
    public static final byte TRIM = RangePart.TRIM;
    public static final byte DEDUP = 3;

    public String snapshotId;
    public long ordinal;

    /**
     * The snapshot's place in the dedup order (Kafka timestamp of its first record; ties broken by
     * snapshot id): a chunk may only reference snapshots before its own, so references never form a
     * cycle.
     */
    public long snapshotOrder;

    /**
     * The volume and parent of the snapshot, on the chunk of ordinal 0 only (null on the others):
     * the assembler opens the in-progress file with it before the seal arrives.
     */
    public String volumeId;

    public String parentId;

    public long startBlock;
    public int blocks;
    public byte kind;
    public byte[] contentHash;

    /** The bytes of a DATA chunk; null otherwise. */
    public byte[] data;

    /** For DEDUP: the exo-clone whose resulting image holds the bytes. */
    public String dedupSource;

    /** For DEDUP: byte offset of the bytes in that image. */
    public long dedupOffset;

    public Chunk() {}

    public long lengthBytes(int blockSize) {
        return (long) blocks * blockSize;
    }
}
