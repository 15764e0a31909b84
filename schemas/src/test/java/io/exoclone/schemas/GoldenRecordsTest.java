package io.exoclone.schemas;

import static io.exoclone.schemas.EventCodecTest.toArray;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Records written by earlier versions must always decode with the current reader. The values are
 * literals on purpose: they pin what v1 wrote, independent of {@link SampleEvents}.
 */
class GoldenRecordsTest {
    private static final String ROOT_HASH =
            "4a21715d23b1d35764022a8c1ba5a1d27efc7241e8906107da9700d7b58dd18f";

    private final EventCodec codec = new EventCodec();

    @Test
    void everyGoldenRecordDecodesWithTheDefaultCodec() {
        List<String> decoded = new ArrayList<>();
        for (Path version : GoldenFiles.versions()) {
            for (Path bin : GoldenFiles.files(version, ".bin")) {
                SpecificRecord record = codec.decode(GoldenFiles.read(bin));
                assertThat(record.getSchema().getName())
                        .as("%s decodes to its own type", bin)
                        .isEqualTo(GoldenFiles.baseName(bin));
                decoded.add(version.getFileName() + "/" + GoldenFiles.baseName(bin));
            }
        }
        assertThat(decoded)
                .contains(
                        "v1/NodeChange",
                        "v1/SnapshotSealed",
                        "v1/ExoclonePublished",
                        "v1/ReplicaStatus",
                        "v1/DeadLetter");
    }

    @Test
    void everyGoldenRecordWasWrittenWithTheSchemaKeptBesideIt() {
        for (Path version : GoldenFiles.versions()) {
            for (Path bin : GoldenFiles.files(version, ".bin")) {
                byte[] bytes = GoldenFiles.read(bin);
                long fingerprint =
                        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                Path avsc = bin.resolveSibling(GoldenFiles.baseName(bin) + ".avsc");
                assertThat(fingerprint)
                        .as("fingerprint of %s matches %s", bin, avsc)
                        .isEqualTo(
                                SchemaNormalization.parsingFingerprint64(GoldenFiles.schema(avsc)));
            }
        }
    }

    @Test
    void v1NodeChange() {
        NodeChange change = codec.decode(GoldenFiles.v1("NodeChange"), NodeChange.class);

        assertThat(change.getVolumeId()).isEqualTo("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10");
        assertThat(change.getVolumeName()).isEqualTo("pg-orders-01");
        assertThat(change.getSnapshotId()).isEqualTo("5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658");
        assertThat(change.getParentId()).isEqualTo("c41d8e02-7b95-4f3a-8e6c-2a0f9d51b7e3");
        assertThat(change.getSequence()).isEqualTo(17);
        assertThat(change.getNodeId()).isEqualTo(90_211);
        assertThat(change.getNodeGeneration()).isEqualTo(4_812);
        assertThat(change.getRanges()).hasSize(3);

        ChangedRange data = change.getRanges().get(0);
        assertThat(data.getKind()).isEqualTo(RangeKind.DATA);
        assertThat(data.getStartBlock()).isEqualTo(262_144);
        assertThat(data.getBlocks()).isEqualTo(256);
        assertThat(data.getPart()).isEqualTo(1);
        assertThat(data.getParts()).isEqualTo(2);
        assertThat(data.getDataOffset()).isEqualTo(1_048_000);
        assertThat(hex(data.getContentHash()))
                .isEqualTo("71870a5f99c452aceedeb91cd0cd18a0bc89f3c692eb023094d106dd5a6d19c3");
        byte[] bytes = toArray(data.getData());
        assertThat(bytes).hasSize(576);
        assertThat(HexFormat.of().formatHex(bytes, 0, 8)).isEqualTo("3e5d7c9bbad9f817");
        assertThat(HexFormat.of().formatHex(bytes, 572, 576)).isEqualTo("82a1c0df");

        ChangedRange zero = change.getRanges().get(1);
        assertThat(zero.getKind()).isEqualTo(RangeKind.ZERO);
        assertThat(zero.getStartBlock()).isEqualTo(262_400);
        assertThat(zero.getBlocks()).isEqualTo(16);
        assertThat(zero.getContentHash()).isNull();
        assertThat(zero.getData()).isNull();
        assertThat(zero.getParts()).isEqualTo(1);

        ChangedRange trim = change.getRanges().get(2);
        assertThat(trim.getKind()).isEqualTo(RangeKind.TRIM);
        assertThat(trim.getStartBlock()).isEqualTo(1_048_576);
        assertThat(trim.getBlocks()).isEqualTo(2_048);
        assertThat(trim.getData()).isNull();
    }

    @Test
    void v1SnapshotSealed() {
        SnapshotSealed sealed =
                codec.decode(GoldenFiles.v1("SnapshotSealed"), SnapshotSealed.class);

        assertThat(sealed.getVolumeId()).isEqualTo("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10");
        assertThat(sealed.getVolumeName()).isEqualTo("pg-orders-01");
        assertThat(sealed.getSnapshotId()).isEqualTo("5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658");
        assertThat(sealed.getParentId()).isEqualTo("c41d8e02-7b95-4f3a-8e6c-2a0f9d51b7e3");
        assertThat(sealed.getGeneration()).isEqualTo(4_812);
        assertThat(sealed.getCreatedMillis()).isEqualTo(1_767_225_600_000L);
        assertThat(sealed.getTag()).isEqualTo("nightly-2026-01-01");
        assertThat(sealed.getVolumeSize()).isEqualTo(68_719_476_736L);
        assertThat(sealed.getBlockSize()).isEqualTo(4096);
        assertThat(sealed.getNodeChangeCount()).isEqualTo(18);
        assertThat(sealed.getDataBytes()).isEqualTo(3_145_728);
        assertThat(hex(sealed.getRootHash())).isEqualTo(ROOT_HASH);
    }

    @Test
    void v1ExoclonePublished() {
        ExoclonePublished published =
                codec.decode(GoldenFiles.v1("ExoclonePublished"), ExoclonePublished.class);

        assertThat(published.getExocloneId()).isEqualTo("5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658");
        assertThat(published.getParentId()).isEqualTo("c41d8e02-7b95-4f3a-8e6c-2a0f9d51b7e3");
        assertThat(published.getDedupIds()).containsExactly("9a3e5f10-2c7d-4e81-b64a-f08d3c2e1a97");
        assertThat(published.getVolumeId()).isEqualTo("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10");
        assertThat(published.getVolumeName()).isEqualTo("pg-orders-01");
        assertThat(published.getUri())
                .isEqualTo(
                        "hdfs://namenode:8020/exoclone/0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10/"
                                + "5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658.exo");
        assertThat(published.getFileBytes()).isEqualTo(2_162_688);
        assertThat(published.getPayloadBytes()).isEqualTo(2_097_152);
        assertThat(published.getDedupBytes()).isEqualTo(1_048_576);
        assertThat(published.getChangedBytes()).isEqualTo(3_145_728);
        assertThat(hex(published.getRootHash())).isEqualTo(ROOT_HASH);
        assertThat(published.getCreatedMillis()).isEqualTo(1_767_225_604_250L);
        assertThat(published.getSnapshotCreatedMillis()).isEqualTo(1_767_225_600_000L);
    }

    @Test
    void v1ReplicaStatus() {
        ReplicaStatus status = codec.decode(GoldenFiles.v1("ReplicaStatus"), ReplicaStatus.class);

        assertThat(status.getSite()).isEqualTo("dc-west");
        assertThat(status.getVolumeId()).isEqualTo("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10");
        assertThat(status.getVolumeName()).isEqualTo("pg-orders-01");
        assertThat(status.getAppliedId()).isEqualTo("5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658");
        assertThat(hex(status.getRootHash())).isEqualTo(ROOT_HASH);
        assertThat(hex(status.getExpectedRootHash())).isEqualTo(ROOT_HASH);
        assertThat(status.getLagMillis()).isEqualTo(7_420);
        assertThat(status.getImportedBytes()).isEqualTo(2_097_152);
        assertThat(status.getTimestampMillis()).isEqualTo(1_767_225_607_420L);
        assertThat(status.getStatus()).isEqualTo(ReplicaState.APPLIED);
        assertThat(status.getMessage()).isNull();
    }

    @Test
    void v1DeadLetter() {
        DeadLetter letter = codec.decode(GoldenFiles.v1("DeadLetter"), DeadLetter.class);

        assertThat(letter.getTopic()).isEqualTo("exoclone.node-changes");
        assertThat(letter.getPartition()).isEqualTo(3);
        assertThat(letter.getOffset()).isEqualTo(1_204_577);
        assertThat(utf8(letter.getKey())).isEqualTo("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10");
        assertThat(utf8(letter.getValue())).isEqualTo("{\"not\":\"avro\"}");
        assertThat(letter.getReason())
                .isEqualTo(
                        "Event does not start with the single-object marker C3 01 but with 7B 22");
        assertThat(letter.getTimestampMillis()).isEqualTo(1_767_225_601_337L);
    }

    private static String hex(ByteBuffer buffer) {
        return HexFormat.of().formatHex(toArray(buffer));
    }

    private static String utf8(ByteBuffer buffer) {
        return new String(toArray(buffer), StandardCharsets.UTF_8);
    }
}
