package io.exoclone.connectors.feed;

import io.exoclone.engine.ChangeRange;
import io.exoclone.engine.Pool;
import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Cuts the changed leaves of one snapshot into {@code NodeChange} records whose encoded value never
 * exceeds a byte budget, numbering them 0, 1, 2... without gaps.
 *
 * <p>Every leaf starts a new record. Its ranges fill records in order; a range that does not fit in
 * the current record starts the next one, and a range that does not fit even in an empty record is
 * cut into block-aligned parts ({@code part}, {@code parts}, {@code dataOffset}) that fill
 * consecutive records, the first part using what is left of the current record.
 *
 * <p>Sizes are computed as upper bounds of the Avro binary encoding (each long counted as 10 bytes,
 * each int as 5), so the real encoding is never bigger than planned.
 */
final class NodeChangeSplitter {
    /** Bytes of the single-object header: marker and fingerprint. */
    static final int HEADER_BYTES = 10;

    private static final int BS = Pool.BLOCK_SIZE;
    private static final int LONG_MAX_BYTES = 10;
    private static final int INT_MAX_BYTES = 5;
    private static final int HASH_BYTES = 32;

    /** A range without its data: startBlock, blocks, kind, part, parts, dataOffset, 2 unions. */
    private static final int RANGE_FIXED_BYTES =
            LONG_MAX_BYTES + INT_MAX_BYTES + 1 + 3 * INT_MAX_BYTES + 2;

    /** Extra bytes of a DATA range: the hash (length + 32) and the data length. */
    private static final int DATA_EXTRA_BYTES = 1 + HASH_BYTES + INT_MAX_BYTES;

    /** Reads the bytes of {@code blocks} blocks from {@code startBlock} of the snapshot. */
    interface DataReader {
        byte[] read(long startBlock, int blocks);
    }

    /** What every record of the snapshot repeats. */
    record Header(String volumeId, String volumeName, String snapshotId, String parentId) {
        Header {
            Objects.requireNonNull(volumeId, "volumeId");
            Objects.requireNonNull(volumeName, "volumeName");
            Objects.requireNonNull(snapshotId, "snapshotId");
        }
    }

    private final int budget;
    private final Header header;
    private final DataReader reader;
    private final Consumer<NodeChange> sink;
    private final int recordFixedBytes;
    private final MessageDigest sha256;

    private long sequence;
    private long dataBytes;
    private long nodeId;
    private long nodeGeneration;
    private final List<ChangedRange> ranges = new ArrayList<>();
    private int size;

    /**
     * @param valueBudget the largest encoded record value allowed, in bytes
     * @throws IllegalArgumentException if the budget cannot hold a record with one block of data
     */
    NodeChangeSplitter(
            int valueBudget, Header header, DataReader reader, Consumer<NodeChange> sink) {
        this.budget = valueBudget;
        this.header = header;
        this.reader = reader;
        this.sink = sink;
        this.recordFixedBytes = recordFixedBytes(header);
        if (recordFixedBytes + dataRangeBytes(BS) > valueBudget) {
            throw new IllegalArgumentException(
                    "A record value budget of "
                            + valueBudget
                            + " bytes cannot hold one block: the record header alone takes up to "
                            + recordFixedBytes
                            + " bytes");
        }
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    /** Upper bound of a record's encoding without its ranges. */
    static int recordFixedBytes(Header h) {
        return HEADER_BYTES
                + stringBytes(h.volumeId())
                + stringBytes(h.volumeName())
                + stringBytes(h.snapshotId())
                + 1
                + (h.parentId() == null ? 0 : stringBytes(h.parentId()))
                + 3 * LONG_MAX_BYTES // sequence, nodeId, nodeGeneration
                + INT_MAX_BYTES // the array's block count
                + 1; // the array's end marker
    }

    /** Upper bound of a DATA range (or part) carrying {@code dataLength} bytes. */
    static int dataRangeBytes(int dataLength) {
        return RANGE_FIXED_BYTES + DATA_EXTRA_BYTES + dataLength;
    }

    /** Upper bound of a ZERO or TRIM range. */
    static int zeroRangeBytes() {
        return RANGE_FIXED_BYTES;
    }

    private static int stringBytes(String s) {
        return INT_MAX_BYTES + s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Number of records emitted so far; the next record's sequence. */
    long records() {
        return sequence;
    }

    /** Bytes of range data emitted so far. */
    long dataBytes() {
        return dataBytes;
    }

    /** Emits the records of one modified leaf. */
    void leaf(long leafNodeId, long leafGeneration, List<ChangeRange> leafRanges) {
        nodeId = leafNodeId;
        nodeGeneration = leafGeneration;
        size = recordFixedBytes;
        if (leafRanges.isEmpty()) {
            emit();
            return;
        }
        for (ChangeRange r : leafRanges) {
            if (r instanceof ChangeRange.Zero) {
                zero(r);
            } else if (r instanceof ChangeRange.Data d) {
                data(d);
            } else {
                throw new IllegalArgumentException(
                        "A snapshot's changes hold only data and zero ranges, got " + r);
            }
        }
        flush();
    }

    private void zero(ChangeRange r) {
        int need = zeroRangeBytes();
        if (size + need > budget) {
            flush();
        }
        add(
                ChangedRange.newBuilder()
                        .setStartBlock(r.startBlock())
                        .setBlocks(blocksOf(r))
                        .setKind(RangeKind.ZERO)
                        .setContentHash(null)
                        .setData(null)
                        .setPart(0)
                        .setParts(1)
                        .setDataOffset(0)
                        .build(),
                need);
    }

    private void data(ChangeRange.Data d) {
        int blocks = blocksOf(d);
        if ((long) blocks * BS > Integer.MAX_VALUE - BS) {
            throw new IllegalArgumentException(
                    "A data range must stay under 2 GiB, got " + blocks + " blocks at " + d);
        }
        int length = blocks * BS;
        byte[] bytes = reader.read(d.startBlock(), blocks);
        if (bytes.length != length) {
            throw new IllegalStateException(
                    "Read "
                            + bytes.length
                            + " bytes for "
                            + blocks
                            + " blocks at block "
                            + d.startBlock());
        }
        byte[] hash = d.contentHash() != null ? d.contentHash() : sha256.digest(bytes);
        dataBytes += length;
        if (size + dataRangeBytes(length) <= budget) {
            add(part(d, blocks, hash, bytes, 0, length, 0, 1), dataRangeBytes(length));
            return;
        }
        if (recordFixedBytes + dataRangeBytes(length) <= budget) {
            flush();
            add(part(d, blocks, hash, bytes, 0, length, 0, 1), dataRangeBytes(length));
            return;
        }
        // Too big for any record: block-aligned parts in consecutive records.
        int fullBlocks = (budget - recordFixedBytes - dataRangeBytes(0)) / BS;
        int firstBlocks = (budget - size - dataRangeBytes(0)) / BS;
        if (firstBlocks < 1) {
            flush();
            firstBlocks = fullBlocks;
        }
        int parts = 1 + ceilDiv(blocks - firstBlocks, fullBlocks);
        int offset = 0;
        for (int p = 0; p < parts; p++) {
            int n = Math.min(p == 0 ? firstBlocks : fullBlocks, blocks - offset / BS);
            int len = n * BS;
            add(part(d, blocks, hash, bytes, offset, len, p, parts), dataRangeBytes(len));
            offset += len;
            if (p < parts - 1) {
                emit();
            }
        }
    }

    private static ChangedRange part(
            ChangeRange.Data d,
            int blocks,
            byte[] hash,
            byte[] bytes,
            int offset,
            int length,
            int part,
            int parts) {
        ByteBuffer slice =
                offset == 0 && length == bytes.length
                        ? ByteBuffer.wrap(bytes)
                        : ByteBuffer.wrap(bytes, offset, length).slice();
        return ChangedRange.newBuilder()
                .setStartBlock(d.startBlock())
                .setBlocks(blocks)
                .setKind(RangeKind.DATA)
                .setContentHash(ByteBuffer.wrap(hash))
                .setData(slice)
                .setPart(part)
                .setParts(parts)
                .setDataOffset(offset)
                .build();
    }

    private void add(ChangedRange r, int bytes) {
        ranges.add(r);
        size += bytes;
    }

    private void flush() {
        if (!ranges.isEmpty()) {
            emit();
        }
    }

    private void emit() {
        NodeChange record =
                NodeChange.newBuilder()
                        .setVolumeId(header.volumeId())
                        .setVolumeName(header.volumeName())
                        .setSnapshotId(header.snapshotId())
                        .setParentId(header.parentId())
                        .setSequence(sequence++)
                        .setNodeId(nodeId)
                        .setNodeGeneration(nodeGeneration)
                        .setRanges(List.copyOf(ranges))
                        .build();
        ranges.clear();
        size = recordFixedBytes;
        sink.accept(record);
    }

    private static int blocksOf(ChangeRange r) {
        if (r.blocks() < 1 || r.blocks() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Range length out of bounds: " + r);
        }
        return (int) r.blocks();
    }

    private static int ceilDiv(int a, int b) {
        return a <= 0 ? 0 : (a + b - 1) / b;
    }
}
