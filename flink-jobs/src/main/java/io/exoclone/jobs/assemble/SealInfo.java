package io.exoclone.jobs.assemble;

/**
 * A sealed snapshot as the assembler needs it: the seal's fields plus how many chunks the splitter
 * emitted for it (a Flink POJO).
 */
public class SealInfo {
    /** {@link #chunkCount} of a snapshot the splitter rejected: drop its chunks. */
    public static final long ABANDONED = -1;

    public String snapshotId;
    public String volumeId;
    public String volumeName;
    public String parentId;
    public String tag;
    public long generation;
    public long createdMillis;
    public long volumeSize;
    public int blockSize;
    public long nodeChangeCount;
    public long dataBytes;
    public byte[] rootHash;

    /** Chunks the splitter emitted for the snapshot (ordinals 0 to chunkCount - 1). */
    public long chunkCount;

    /**
     * The snapshot's place in the dedup order, as on its chunks ({@link Chunk#snapshotOrder}): the
     * Kafka timestamp of its first record.
     */
    public long snapshotOrder;

    /** Processing time when the seal reached the job, for the seal-to-commit latency. */
    public long sealedAtMillis;

    public SealInfo() {}
}
