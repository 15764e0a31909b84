package io.exoclone.format;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InvalidArgumentException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.UUID;

/**
 * The exact size of an uncompressed exo-clone file, from the same calls as {@link ExocloneWriter}
 * but without data (for {@code export --dry-run}). It applies the writer's rules and encodes the
 * metadata with the writer's code, so the size is exact, not a guess.
 *
 * <p>An LZ4 file's size depends on how well each range compresses; it can only be known by
 * compressing, for example by writing the file to an {@link OutputStream} that only counts.
 */
public final class SizeEstimator implements AutoCloseable {
    private static final int BS = Format.BLOCK_SIZE;
    private static final byte[] NO_HASH = new byte[Format.HASH_SIZE];

    private final UUID uuid;
    private final RangeSequence ranges;
    private final RangeLog log = new RangeLog(RangeLog.DEFAULT_SPILL_THRESHOLD, null);

    /**
     * @param uuid the UUID the file will have (it tells references into itself apart)
     */
    public SizeEstimator(UUID uuid) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
        this.ranges = RangeSequence.forWriter(uuid, Compression.NONE);
    }

    /** Counts a DATA range; returns its content offset, as {@link ExocloneWriter#addData} does. */
    public long addData(long startBlock, int blocks) {
        reject(ranges.placementProblem(startBlock, blocks));
        long offset = ranges.nextContentOffset();
        add(
                new ExocloneRange.Data(
                        startBlock,
                        blocks,
                        ranges.nextPayloadOffset(),
                        (long) blocks * BS,
                        offset,
                        Compression.NONE,
                        NO_HASH));
        return offset;
    }

    public void addDedup(
            long startBlock, int blocks, UUID source, long sourceOffset, long sourceLength) {
        Objects.requireNonNull(source, "source");
        reject(ranges.placementProblem(startBlock, blocks));
        add(
                new ExocloneRange.Dedup(
                        startBlock, blocks, source, sourceOffset, sourceLength, NO_HASH));
    }

    public void addZero(long startBlock, long blocks) {
        add(new ExocloneRange.Zero(startBlock, blocks));
    }

    public void addTrim(long startBlock, long blocks) {
        add(new ExocloneRange.Trim(startBlock, blocks));
    }

    /**
     * The size in bytes of the uncompressed file these calls describe, finished with this volume
     * size (signed or not: the trailer has the same size).
     */
    public long fileSize(long volumeSize) {
        if (volumeSize < 0 || volumeSize % BS != 0 || volumeSize / BS < ranges.endBlock()) {
            throw new InvalidArgumentException(
                    String.format(
                            "Volume size must be a non-negative multiple of %d reaching block %d,"
                                    + " got %d",
                            BS, ranges.endBlock(), volumeSize));
        }
        Counter counter = new Counter();
        try {
            MetadataWriter.write(counter, uuid, ranges.summary(volumeSize, NO_HASH), log);
        } catch (IOException e) {
            throw new ExocloneException("Cannot size the metadata: " + e.getMessage(), e);
        }
        return Format.PAYLOAD_OFFSET
                + ranges.nextPayloadOffset()
                + (long) Format.UUID_SIZE * ranges.collectedDedupUuids().size()
                + counter.count
                + Format.TRAILER_SIZE;
    }

    @Override
    public void close() {
        try {
            log.close();
        } catch (IOException e) {
            // Only a temporary spill file is at stake.
        }
    }

    private void add(ExocloneRange range) {
        reject(ranges.problem(range));
        ranges.accept(range);
        try {
            log.append(range);
        } catch (IOException e) {
            throw new ExocloneException("Cannot record range: " + e.getMessage(), e);
        }
    }

    private static void reject(String problem) {
        if (problem != null) {
            throw new InvalidArgumentException("Expected " + problem);
        }
    }

    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
