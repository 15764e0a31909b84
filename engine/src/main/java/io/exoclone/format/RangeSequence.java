package io.exoclone.format;

import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The rules a file's ranges follow, in order, and their running totals. The writer uses it to
 * refuse bad calls, the reader to refuse bad records: both get the same rules and the same payload
 * and content offsets.
 */
final class RangeSequence {
    private static final int BS = Format.BLOCK_SIZE;

    private final UUID self;
    private final Compression compression;
    private final long volumeBlocks;
    private final long payloadLimit;

    /** Reader: the file's sorted dedup list; writer: null, references are collected instead. */
    private final List<UUID> dedupList;

    private final BitSet referenced = new BitSet();
    private final SortedSet<UUID> collected = new TreeSet<>(Uuids.UNSIGNED);

    private long nextBlock;
    private long payloadPos;
    private long contentPos;
    private long dataRanges;
    private long dedupRanges;
    private long zeroRanges;
    private long trimRanges;
    private long dedupBytes;
    private long zeroBytes;
    private long trimBytes;

    private RangeSequence(
            UUID self,
            Compression compression,
            long volumeBlocks,
            long payloadLimit,
            List<UUID> dedupList) {
        this.self = self;
        this.compression = compression;
        this.volumeBlocks = volumeBlocks;
        this.payloadLimit = payloadLimit;
        this.dedupList = dedupList;
    }

    /** For a writer: volume size and payload length are not known yet. */
    static RangeSequence forWriter(UUID self, Compression compression) {
        return new RangeSequence(self, compression, Format.MAX_VOLUME_BLOCKS, Long.MAX_VALUE, null);
    }

    /** For a reader of a file with this header and sorted dedup list. */
    static RangeSequence forReader(ExocloneHeader header, List<UUID> dedupList) {
        return new RangeSequence(
                header.uuid(),
                header.compression(),
                header.volumeBlocks(),
                header.sections().payloadLength(),
                dedupList);
    }

    long nextPayloadOffset() {
        return payloadPos;
    }

    long nextContentOffset() {
        return contentPos;
    }

    /** End block of the last range, 0 before the first. */
    long endBlock() {
        return nextBlock;
    }

    /** Why a range of these blocks cannot come next, or null. */
    String placementProblem(long start, long count) {
        if (start < 0) {
            return "a start block >= 0, got " + start;
        }
        if (count <= 0) {
            return "a block count >= 1, got " + count + " at block " + start;
        }
        if (start < nextBlock) {
            return String.format(
                    "ranges in ascending block order without overlap, got blocks [%d, +%d) after"
                            + " a range ending at block %d",
                    start, count, nextBlock);
        }
        if (start > volumeBlocks || count > volumeBlocks - start) {
            return String.format(
                    "ranges inside the volume of %d blocks, got blocks [%d, +%d)",
                    volumeBlocks, start, count);
        }
        return null;
    }

    /** Why this range cannot come next, or null. */
    String problem(ExocloneRange r) {
        String placement = placementProblem(r.startBlock(), r.blockCount());
        if (placement != null) {
            return placement;
        }
        if (r instanceof ExocloneRange.Data d) {
            return dataProblem(d);
        }
        if (r instanceof ExocloneRange.Dedup d) {
            return dedupProblem(d);
        }
        return null;
    }

    private String dataProblem(ExocloneRange.Data d) {
        if (d.compression() != compression) {
            return "DATA stored as " + compression + " like the file, got " + d.compression();
        }
        if (d.payloadOffset() != payloadPos) {
            return "payload offset "
                    + payloadPos
                    + " (right after the previous DATA range), got "
                    + d.payloadOffset();
        }
        if (d.contentOffset() != contentPos) {
            return "content offset " + contentPos + ", got " + d.contentOffset();
        }
        if (compression == Compression.NONE && d.storedLength() != d.uncompressedLength()) {
            return "stored length " + d.uncompressedLength() + ", got " + d.storedLength();
        }
        if (d.storedLength() <= 0 || d.storedLength() > payloadLimit - payloadPos) {
            return String.format(
                    "payload bytes inside the payload section of %d bytes, got [%d, +%d)",
                    payloadLimit, d.payloadOffset(), d.storedLength());
        }
        return null;
    }

    private String dedupProblem(ExocloneRange.Dedup d) {
        if (d.length() != d.blockCount() * BS) {
            return "length "
                    + d.blockCount() * BS
                    + " for "
                    + d.blockCount()
                    + " blocks, got "
                    + d.length();
        }
        if (d.sourceOffset() < 0
                || d.sourceOffset() % BS != 0
                || d.sourceOffset() > Long.MAX_VALUE - d.length()) {
            return "a block-aligned source offset, got " + d.sourceOffset();
        }
        UUID source = d.sourceUuid();
        if (source.equals(self)) {
            if (d.sourceOffset() + d.length() > d.startBlock() * BS) {
                return String.format(
                        "a reference to blocks before this range in this exo-clone's own image"
                                + " [0, %d), got [%d, +%d)",
                        d.startBlock() * BS, d.sourceOffset(), d.length());
            }
            return null;
        }
        if (source.equals(Uuids.NIL)) {
            return "a dedup source UUID, got the nil UUID";
        }
        if (dedupList != null) {
            if (Collections.binarySearch(dedupList, source, Uuids.UNSIGNED) < 0) {
                return "a dedup source listed in the dedup section, got " + source;
            }
        } else if (collected.size() >= Format.MAX_DEDUP_UUIDS && !collected.contains(source)) {
            return "at most " + Format.MAX_DEDUP_UUIDS + " dedup sources";
        }
        return null;
    }

    /** Records a range for which {@link #problem} returned null. */
    void accept(ExocloneRange r) {
        long bytes = r.blockCount() * BS;
        if (r instanceof ExocloneRange.Data d) {
            dataRanges++;
            payloadPos += d.storedLength();
            contentPos += bytes;
        } else if (r instanceof ExocloneRange.Dedup d) {
            dedupRanges++;
            dedupBytes += bytes;
            if (!d.sourceUuid().equals(self)) {
                if (dedupList != null) {
                    referenced.set(
                            Collections.binarySearch(dedupList, d.sourceUuid(), Uuids.UNSIGNED));
                } else {
                    collected.add(d.sourceUuid());
                }
            }
        } else if (r instanceof ExocloneRange.Zero) {
            zeroRanges++;
            zeroBytes += bytes;
        } else {
            trimRanges++;
            trimBytes += bytes;
        }
        nextBlock = r.endBlock();
    }

    /** Writer: the dedup sources referenced so far, in dedup-list order. */
    SortedSet<UUID> collectedDedupUuids() {
        return Collections.unmodifiableSortedSet(collected);
    }

    /** Reader, after the last range: what the whole sequence breaks, or null. */
    String endProblem() {
        if (payloadPos != payloadLimit) {
            return "DATA ranges filling the payload section of "
                    + payloadLimit
                    + " bytes, they fill "
                    + payloadPos;
        }
        int unused = referenced.nextClearBit(0);
        if (dedupList != null && unused < dedupList.size()) {
            return "every dedup UUID referenced by a DEDUP range, "
                    + dedupList.get(unused)
                    + " is not";
        }
        return null;
    }

    Summary summary(long volumeSize, byte[] merkleRoot) {
        return new Summary(
                volumeSize,
                BS,
                merkleRoot,
                dataRanges + dedupRanges + zeroRanges + trimRanges,
                dataRanges,
                dedupRanges,
                zeroRanges,
                trimRanges,
                payloadPos,
                contentPos,
                dedupBytes,
                zeroBytes,
                trimBytes,
                dedupList != null ? dedupList.size() : collected.size(),
                null);
    }
}
