package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ChangeSplitterTest {
    private static final UUID S = UUID.fromString("00000000-0000-4000-8000-000000000001");

    private static KeyedOneInputStreamOperatorTestHarness<String, FeedEvent, Chunk> harness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new ChangeSplitter(Chunks.BS), e -> e.snapshotId, Types.STRING);
    }

    @Test
    void rejoinsPartsNumbersChunksInBlockOrderAndCountsThemInTheSeal() throws Exception {
        byte[] big = Chunks.block(3, 16);
        byte[] small = Chunks.block(4, 2);
        try (var h = harness()) {
            h.processElement(Chunks.node(S, 0, Chunks.part(0, small, 0, 1)), 0);
            h.processElement(Chunks.node(S, 1, Chunks.part(16, big, 0, 3)), 0);
            h.processElement(Chunks.node(S, 2, Chunks.part(16, big, 1, 3)), 0);
            h.processElement(Chunks.node(S, 2, Chunks.part(16, big, 1, 3)), 0); // repeat
            h.processElement(Chunks.node(S, 3, Chunks.part(16, big, 2, 3)), 0);
            h.processElement(Chunks.seal(S, 4), 0);

            List<Chunk> out = h.extractOutputValues();
            assertThat(out).extracting(c -> c.ordinal).containsExactly(0L, 1L);
            assertThat(out.get(1).startBlock).isEqualTo(16);
            assertThat(out.get(1).data).isEqualTo(big);
            List<SealInfo> seals =
                    h.getSideOutput(ChangeSplitter.SEALS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(seals).singleElement().satisfies(s -> assertThat(s.chunkCount).isEqualTo(2));
            assertThat(h.getSideOutput(DeadLetters.TAG)).isNull();
            // One claim per DATA chunk, with the hash the feed carried and no bytes.
            List<Claim> claims =
                    h.getSideOutput(ChangeSplitter.CLAIMS).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(claims).extracting(c -> c.ordinal).containsExactly(0L, 1L);
            assertThat(claims.get(1).contentHash).isEqualTo(Chunks.sha256(big));
            assertThat(claims.get(1).blocks).isEqualTo(16);
            assertThat(claims.get(1).startBlock).isEqualTo(16);
            assertThat(claims.get(1).snapshotId).isEqualTo(S.toString());
            assertThat(claims.get(1).contentHash).isEqualTo(Chunks.sha256(big));
            assertThat(claims.get(1).dedupBucket())
                    .isEqualTo(
                            ((Chunks.sha256(big)[0] & 0xff) << 8) | (Chunks.sha256(big)[1] & 0xff));

            // The whole transaction again (a repeat after the seal) changes nothing.
            h.processElement(Chunks.node(S, 0, Chunks.part(0, small, 0, 1)), 0);
            h.processElement(Chunks.seal(S, 4), 0);
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(h.getSideOutput(ChangeSplitter.SEALS)).hasSize(1);
        }
    }

    @Test
    void aSequenceGapRejectsTheSnapshotAndTellsTheAssemblerToDropIt() throws Exception {
        try (var h = harness()) {
            h.processElement(Chunks.node(S, 0, Chunks.part(0, Chunks.block(1, 1), 0, 1)), 0);
            h.processElement(Chunks.node(S, 2, Chunks.part(4, Chunks.block(1, 1), 0, 1)), 0);
            h.processElement(Chunks.seal(S, 3), 0);

            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(1);
            assertThat(h.getSideOutput(ChangeSplitter.SEALS))
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.getValue().chunkCount).isEqualTo(SealInfo.ABANDONED));
        }
    }

    @Test
    void rangesThatGoBackwardsRejectTheSnapshot() throws Exception {
        try (var h = harness()) {
            h.processElement(Chunks.node(S, 0, Chunks.part(8, Chunks.block(1, 1), 0, 1)), 0);
            h.processElement(Chunks.node(S, 1, Chunks.part(2, Chunks.block(1, 1), 0, 1)), 0);
            assertThat(h.getSideOutput(DeadLetters.TAG)).hasSize(1);
        }
    }

    @Test
    void theMarkerOfASealedSnapshotGoesAfterItsRetention() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ChangeSplitter(Chunks.BS, Duration.ofMinutes(10)),
                        e -> e.snapshotId,
                        Types.STRING)) {
            h.setProcessingTime(1_000);
            h.processElement(Chunks.node(S, 0, Chunks.part(0, Chunks.block(1, 1), 0, 1)), 0);
            h.processElement(Chunks.seal(S, 1), 0);
            assertThat(h.numKeyedStateEntries()).as("the marker").isEqualTo(1);

            h.setProcessingTime(1_000 + Duration.ofMinutes(9).toMillis());
            h.processElement(Chunks.node(S, 0, Chunks.part(0, Chunks.block(1, 1), 0, 1)), 0);
            assertThat(h.extractOutputValues()).as("a repeat is still dropped").hasSize(1);

            h.setProcessingTime(1_000 + Duration.ofMinutes(10).toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numProcessingTimeTimers()).isZero();
        }
    }

    @Test
    void anUnfinishedSnapshotKeepsItsState() throws Exception {
        try (var h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new ChangeSplitter(Chunks.BS, Duration.ofMinutes(10)),
                        e -> e.snapshotId,
                        Types.STRING)) {
            h.setProcessingTime(1_000);
            h.processElement(Chunks.node(S, 0, Chunks.part(0, Chunks.block(1, 1), 0, 1)), 0);
            h.setProcessingTime(1_000 + Duration.ofDays(3).toMillis());
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.processElement(Chunks.seal(S, 1), 0);
            assertThat(h.getSideOutput(ChangeSplitter.SEALS)).hasSize(1);
        }
    }
}
