package io.exoclone.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events as JSON lines: every field, hashes in hex, data summarized, bad records reported. */
class EventJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventCodec codec = new EventCodec();
    private final EventJson json = new EventJson(codec);

    private static NodeChange change(byte[] data) {
        byte[] hash = new byte[32];
        hash[0] = (byte) 0xab;
        return NodeChange.newBuilder()
                .setVolumeId("0b7f6c1e-3d4a-4c8e-9f21-6a5d2e8b4c10")
                .setVolumeName("vm1")
                .setSnapshotId("5e2c9a47-81f3-4b6d-a0c2-d94e17b3f658")
                .setParentId(null)
                .setSequence(3)
                .setNodeId(77)
                .setNodeGeneration(9)
                .setRanges(
                        List.of(
                                ChangedRange.newBuilder()
                                        .setStartBlock(10)
                                        .setBlocks(16)
                                        .setKind(RangeKind.DATA)
                                        .setContentHash(ByteBuffer.wrap(hash))
                                        .setData(ByteBuffer.wrap(data))
                                        .setPart(0)
                                        .setParts(1)
                                        .setDataOffset(0)
                                        .build(),
                                ChangedRange.newBuilder()
                                        .setStartBlock(40)
                                        .setBlocks(2)
                                        .setKind(RangeKind.ZERO)
                                        .setPart(0)
                                        .setParts(1)
                                        .setDataOffset(0)
                                        .build()))
                .build();
    }

    @Test
    void aNodeChangeShowsEveryFieldWithItsDataSummarized() throws Exception {
        byte[] data = new byte[65536];
        data[5] = 1;
        String line =
                json.line(
                        "exoclone.node-changes",
                        2,
                        41,
                        1000,
                        "vol".getBytes(StandardCharsets.UTF_8),
                        codec.encode(change(data)));
        assertThat(line).doesNotContain("\n").hasSizeLessThan(1000);
        JsonNode n = JSON.readTree(line);
        assertThat(n.path("topic").asText()).isEqualTo("exoclone.node-changes");
        assertThat(n.path("partition").asInt()).isEqualTo(2);
        assertThat(n.path("offset").asLong()).isEqualTo(41);
        assertThat(n.path("key").asText()).isEqualTo("vol");
        assertThat(n.path("type").asText()).isEqualTo("NodeChange");
        JsonNode e = n.path("event");
        assertThat(e.path("sequence").asLong()).isEqualTo(3);
        assertThat(e.path("parentId").isNull()).isTrue();
        JsonNode r = e.path("ranges").get(0);
        assertThat(r.path("kind").asText()).isEqualTo("DATA");
        assertThat(r.path("contentHash").asText()).isEqualTo("ab" + "00".repeat(31));
        assertThat(r.path("data").path("length").asInt()).isEqualTo(65536);
        assertThat(r.path("data").path("sha256").asText()).hasSize(16);
        assertThat(e.path("ranges").get(1).path("data").isNull()).isTrue();
    }

    @Test
    void undecodableRecordsBecomeErrorLines() throws Exception {
        JsonNode bad = JSON.readTree(json.line("t", 0, 7, 0, null, new byte[] {(byte) 0xC3, 1, 9}));
        assertThat(bad.path("reason").asText()).isEqualTo("TOO_SHORT");
        assertThat(bad.path("error").asText()).contains("too short");
        assertThat(bad.path("key").isNull()).isTrue();
        assertThat(bad.path("value").asText()).isEqualTo("c30109");
        JsonNode tombstone = JSON.readTree(json.line("t", 0, 8, 0, null, null));
        assertThat(tombstone.path("reason").asText()).isEqualTo("NULL_VALUE");
    }
}
