package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.schemas.ChangedRange;
import io.exoclone.schemas.DeadLetter;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.RangeKind;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DecodeFunctionTest {
    private final EventCodec codec = new EventCodec();

    @Test
    void decodesNodeChangesAndSendsUndecodableRecordsToTheDeadLetterOutput() throws Exception {
        byte[] data = Chunks.block(7, 1);
        NodeChange n =
                NodeChange.newBuilder()
                        .setVolumeId("v")
                        .setVolumeName("vol")
                        .setSnapshotId("s")
                        .setSequence(0)
                        .setNodeId(9)
                        .setNodeGeneration(3)
                        .setRanges(
                                List.of(
                                        ChangedRange.newBuilder()
                                                .setStartBlock(5)
                                                .setBlocks(1)
                                                .setKind(RangeKind.DATA)
                                                .setContentHash(
                                                        ByteBuffer.wrap(Chunks.sha256(data)))
                                                .setData(ByteBuffer.wrap(data))
                                                .setPart(0)
                                                .setParts(1)
                                                .setDataOffset(0)
                                                .build()))
                        .build();
        try (OneInputStreamOperatorTestHarness<RawRecord, FeedEvent> h =
                ProcessFunctionTestHarnesses.forProcessFunction(new DecodeFunction())) {
            h.processElement(new RawRecord("t", 0, 1, 10, "v".getBytes(), codec.encode(n)), 0);
            h.processElement(new RawRecord("t", 1, 2, 11, "k".getBytes(), new byte[] {1, 2}), 0);
            h.processElement(new RawRecord("t", 1, 3, 12, null, null), 0);

            List<FeedEvent> out = h.extractOutputValues();
            assertThat(out).hasSize(1);
            FeedEvent e = out.get(0);
            assertThat(e.isSeal()).isFalse();
            assertThat(e.snapshotId).isEqualTo("s");
            assertThat(e.offset).isEqualTo(1);
            assertThat(e.ranges).hasSize(1);
            assertThat(e.ranges[0].data).isEqualTo(data);
            assertThat(e.ranges[0].kind).isEqualTo(RangePart.DATA);

            List<DeadLetter> dead =
                    h.getSideOutput(DeadLetters.TAG).stream()
                            .map(r -> codec.decode(r.getValue(), DeadLetter.class))
                            .toList();
            assertThat(dead).hasSize(2);
            assertThat(dead.get(0).getOffset()).isEqualTo(2);
            assertThat(dead.get(0).getPartition()).isEqualTo(1);
            assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
            assertThat(dead.get(0).getReason()).isNotBlank();
            assertThat(dead.get(1).getReason()).contains("tombstone");
        }
    }
}
