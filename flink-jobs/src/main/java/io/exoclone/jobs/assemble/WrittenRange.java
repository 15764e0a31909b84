package io.exoclone.jobs.assemble;

import io.exoclone.format.Compression;
import io.exoclone.format.ExocloneRange;
import java.util.UUID;

/**
 * A range already in the in-progress file, without its bytes (a Flink POJO): enough to resume the
 * writer after a restart and to sum up the file at the end.
 */
public class WrittenRange {
    public long startBlock;
    public int blocks;
    public byte kind;
    public byte[] sha256;

    /** DATA: bytes the range occupies in the payload. */
    public long storedLength;

    /** DEDUP: the source exo-clone and the byte offset in its image. */
    public String dedupSource;

    public long dedupOffset;

    public WrittenRange() {}

    static WrittenRange of(Chunk c, long storedLength) {
        WrittenRange r = new WrittenRange();
        r.startBlock = c.startBlock;
        r.blocks = c.blocks;
        r.kind = c.kind;
        r.sha256 = c.kind == Chunk.DATA || c.kind == Chunk.DEDUP ? c.contentHash : null;
        r.storedLength = storedLength;
        r.dedupSource = c.dedupSource;
        r.dedupOffset = c.dedupOffset;
        return r;
    }

    long lengthBytes(int blockSize) {
        return (long) blocks * blockSize;
    }

    /** As the format's range, at the given payload and content offsets. */
    ExocloneRange toRange(
            long payloadOffset, long contentOffset, Compression compression, int blockSize) {
        return switch (kind) {
            case Chunk.DATA ->
                    new ExocloneRange.Data(
                            startBlock,
                            blocks,
                            payloadOffset,
                            storedLength,
                            contentOffset,
                            compression,
                            sha256);
            case Chunk.DEDUP ->
                    new ExocloneRange.Dedup(
                            startBlock,
                            blocks,
                            UUID.fromString(dedupSource),
                            dedupOffset,
                            lengthBytes(blockSize),
                            sha256);
            case Chunk.ZERO -> new ExocloneRange.Zero(startBlock, blocks);
            default -> new ExocloneRange.Trim(startBlock, blocks);
        };
    }
}
