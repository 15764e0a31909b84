package io.exoclone.format;

import io.exoclone.engine.Hex;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One changed block range of an exo-clone, as stored in the metadata section. Ranges of a file are
 * ascending and never overlap.
 */
public sealed interface ExocloneRange
        permits ExocloneRange.Data, ExocloneRange.Dedup, ExocloneRange.Zero, ExocloneRange.Trim {

    long startBlock();

    long blockCount();

    default long endBlock() {
        return startBlock() + blockCount();
    }

    /**
     * Bytes stored in this file's payload.
     *
     * @param payloadOffset where the stored bytes start, relative to the payload section
     * @param storedLength stored bytes: the raw blocks, or one LZ4 frame
     * @param contentOffset where the range's bytes lie in the file's uncompressed content space;
     *     DEDUP ranges of later exo-clones point there. Equal to payloadOffset when uncompressed.
     * @param sha256 SHA-256 of the range's uncompressed bytes
     */
    record Data(
            long startBlock,
            long blockCount,
            long payloadOffset,
            long storedLength,
            long contentOffset,
            Compression compression,
            byte[] sha256)
            implements ExocloneRange {
        public Data {
            Objects.requireNonNull(compression, "compression");
            sha256 = sha256.clone();
        }

        public long uncompressedLength() {
            return blockCount * Format.BLOCK_SIZE;
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Data d
                    && startBlock == d.startBlock
                    && blockCount == d.blockCount
                    && payloadOffset == d.payloadOffset
                    && storedLength == d.storedLength
                    && contentOffset == d.contentOffset
                    && compression == d.compression
                    && Arrays.equals(sha256, d.sha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(startBlock, blockCount, payloadOffset, Arrays.hashCode(sha256));
        }

        @Override
        public String toString() {
            return String.format(
                    "Data[blocks %d+%d, payload %d+%d, content %d, %s, sha256 %s]",
                    startBlock,
                    blockCount,
                    payloadOffset,
                    storedLength,
                    contentOffset,
                    compression,
                    Hex.encode(sha256));
        }
    }

    /**
     * Bytes held by another exo-clone (or earlier in this one): {@code length} bytes at byte {@code
     * sourceOffset} of the volume image that results from the source.
     */
    record Dedup(
            long startBlock,
            long blockCount,
            UUID sourceUuid,
            long sourceOffset,
            long length,
            byte[] sha256)
            implements ExocloneRange {
        public Dedup {
            Objects.requireNonNull(sourceUuid, "sourceUuid");
            sha256 = sha256.clone();
        }

        @Override
        public byte[] sha256() {
            return sha256.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Dedup d
                    && startBlock == d.startBlock
                    && blockCount == d.blockCount
                    && sourceUuid.equals(d.sourceUuid)
                    && sourceOffset == d.sourceOffset
                    && length == d.length
                    && Arrays.equals(sha256, d.sha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(startBlock, blockCount, sourceUuid, Arrays.hashCode(sha256));
        }

        @Override
        public String toString() {
            return String.format(
                    "Dedup[blocks %d+%d, source %s at %d+%d, sha256 %s]",
                    startBlock, blockCount, sourceUuid, sourceOffset, length, Hex.encode(sha256));
        }
    }

    /** Blocks that read as zeros. */
    record Zero(long startBlock, long blockCount) implements ExocloneRange {}

    /** Blocks that are unmapped (discarded); they read as zeros. */
    record Trim(long startBlock, long blockCount) implements ExocloneRange {}
}
