package io.exoclone.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One deterministic, realistic event of every type. The golden files were written from these;
 * {@code GoldenRecordsTest} checks the files against literal values, not against this class, so
 * changing a sample here does not hide a broken reader.
 */
final class SampleEvents {
    static final String VOLUME_ID = "0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10";
    static final String VOLUME_NAME = "pg-orders-01";
    static final String SNAPSHOT_ID = "5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658";
    static final String PARENT_ID = "c41d8e02-7b95-4f3a-8e6c-2a0f9d51b7e3";
    static final String DEDUP_ID = "9a3e5f10-2c7d-4e81-b64a-f08d3c2e1a97";
    static final int BLOCK_SIZE = 4096;

    /** A 1 MiB range that does not fit in one record: part 1 holds its last 576 bytes. */
    static final int SPLIT_RANGE_BLOCKS = 256;

    static final int SPLIT_PART_OFFSET = 1_048_000;

    private SampleEvents() {}

    static List<Sample> all() {
        return List.of(
                new Sample("NodeChange", nodeChange()),
                new Sample("SnapshotSealed", snapshotSealed()),
                new Sample("ExoclonePublished", exoclonePublished()),
                new Sample("ReplicaStatus", replicaStatus()),
                new Sample("DeadLetter", deadLetter()));
    }

    /** An event with the name of its schema. */
    record Sample(String name, SpecificRecord event) {}

    static NodeChange nodeChange() {
        byte[] range = splitRangeData();
        byte[] lastPart = new byte[range.length - SPLIT_PART_OFFSET];
        System.arraycopy(range, SPLIT_PART_OFFSET, lastPart, 0, lastPart.length);
        return NodeChange.newBuilder()
                .setVolumeId(VOLUME_ID)
                .setVolumeName(VOLUME_NAME)
                .setSnapshotId(SNAPSHOT_ID)
                .setParentId(PARENT_ID)
                .setSequence(17)
                .setNodeId(90_211)
                .setNodeGeneration(4_812)
                .setRanges(
                        List.of(
                                ChangedRange.newBuilder()
                                        .setStartBlock(262_144)
                                        .setBlocks(SPLIT_RANGE_BLOCKS)
                                        .setKind(RangeKind.DATA)
                                        .setContentHash(ByteBuffer.wrap(sha256(range)))
                                        .setData(ByteBuffer.wrap(lastPart))
                                        .setPart(1)
                                        .setParts(2)
                                        .setDataOffset(SPLIT_PART_OFFSET)
                                        .build(),
                                ChangedRange.newBuilder()
                                        .setStartBlock(262_400)
                                        .setBlocks(16)
                                        .setKind(RangeKind.ZERO)
                                        .setPart(0)
                                        .setParts(1)
                                        .setDataOffset(0)
                                        .build(),
                                ChangedRange.newBuilder()
                                        .setStartBlock(1_048_576)
                                        .setBlocks(2_048)
                                        .setKind(RangeKind.TRIM)
                                        .setPart(0)
                                        .setParts(1)
                                        .setDataOffset(0)
                                        .build()))
                .build();
    }

    /** The whole data of the split range: a fixed, non-repeating-looking byte pattern. */
    static byte[] splitRangeData() {
        byte[] data = new byte[SPLIT_RANGE_BLOCKS * BLOCK_SIZE];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 12) * 7 + 5);
        }
        return data;
    }

    static SnapshotSealed snapshotSealed() {
        return SnapshotSealed.newBuilder()
                .setVolumeId(VOLUME_ID)
                .setVolumeName(VOLUME_NAME)
                .setSnapshotId(SNAPSHOT_ID)
                .setParentId(PARENT_ID)
                .setGeneration(4_812)
                .setCreatedMillis(1_767_225_600_000L)
                .setTag("nightly-2026-01-01")
                .setVolumeSize(64L << 30)
                .setBlockSize(BLOCK_SIZE)
                .setNodeChangeCount(18)
                .setDataBytes(3_145_728)
                .setRootHash(ByteBuffer.wrap(rootHash()))
                .build();
    }

    static ExoclonePublished exoclonePublished() {
        return ExoclonePublished.newBuilder()
                .setExocloneId(SNAPSHOT_ID)
                .setParentId(PARENT_ID)
                .setDedupIds(List.of(DEDUP_ID))
                .setVolumeId(VOLUME_ID)
                .setVolumeName(VOLUME_NAME)
                .setUri("hdfs://namenode:8020/exoclone/" + VOLUME_ID + "/" + SNAPSHOT_ID + ".exo")
                .setFileBytes(2_162_688)
                .setPayloadBytes(2_097_152)
                .setDedupBytes(1_048_576)
                .setChangedBytes(3_145_728)
                .setRootHash(ByteBuffer.wrap(rootHash()))
                .setCreatedMillis(1_767_225_604_250L)
                .setSnapshotCreatedMillis(1_767_225_600_000L)
                .build();
    }

    static ReplicaStatus replicaStatus() {
        return ReplicaStatus.newBuilder()
                .setSite("dc-west")
                .setVolumeId(VOLUME_ID)
                .setVolumeName(VOLUME_NAME)
                .setAppliedId(SNAPSHOT_ID)
                .setRootHash(ByteBuffer.wrap(rootHash()))
                .setExpectedRootHash(ByteBuffer.wrap(rootHash()))
                .setLagMillis(7_420)
                .setImportedBytes(2_097_152)
                .setTimestampMillis(1_767_225_607_420L)
                .setStatus(ReplicaState.APPLIED)
                .setMessage(null)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setTopic("exoclone.node-changes")
                .setPartition(3)
                .setOffset(1_204_577)
                .setKey(ByteBuffer.wrap(VOLUME_ID.getBytes(StandardCharsets.UTF_8)))
                .setValue(ByteBuffer.wrap("{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8)))
                .setReason(
                        "Event does not start with the single-object marker C3 01 but with 7B 22")
                .setTimestampMillis(1_767_225_601_337L)
                .build();
    }

    /** The Merkle root the samples announce: SHA-256 of a fixed label. */
    static byte[] rootHash() {
        return sha256("pg-orders-01@4812".getBytes(StandardCharsets.UTF_8));
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
