package io.exoclone.jobs.assemble;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DedupFunctionTest {
    private static final UUID A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-4000-8000-00000000000b");

    private static KeyedOneInputStreamOperatorTestHarness<String, Chunk, Chunk> harness(
            OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DedupFunction(Chunks.BS)),
                        Chunk::dedupKey,
                        Types.STRING);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void firstOccurrenceStaysDataLaterOnesReferenceItAcrossARestore() throws Exception {
        byte[] x = Chunks.block(1, 4);
        byte[] y = Chunks.block(2, 4);
        OperatorSubtaskState state;
        try (var h = harness(null)) {
            h.processElement(Chunks.data(A, 0, 8, x), 0);
            h.processElement(Chunks.trim(A, 1, 20, 2), 0);
            h.processElement(Chunks.data(A, 2, 40, x), 0); // same snapshot, later block
            h.processElement(Chunks.data(A, 3, 60, y), 0);
            List<Chunk> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(c -> c.kind)
                    .containsExactly(Chunk.DATA, Chunk.TRIM, Chunk.DEDUP, Chunk.DATA);
            assertThat(out.get(2).dedupSource).isEqualTo(A.toString());
            assertThat(out.get(2).dedupOffset).isEqualTo(8L * Chunks.BS);
            assertThat(out.get(2).data).isNull();
            state = h.snapshot(1, 1);
        }
        try (var h = harness(state)) {
            h.processElement(Chunks.data(B, 0, 0, y), 0);
            Chunk c = h.extractOutputValues().get(0);
            assertThat(c.kind).isEqualTo(Chunk.DEDUP);
            assertThat(c.dedupSource).isEqualTo(A.toString());
            assertThat(c.dedupOffset).isEqualTo(60L * Chunks.BS);
        }
    }

    @Test
    void aSnapshotLaterInTheOrderNeverBecomesTheSourceOfAnEarlierOne() throws Exception {
        byte[] x = Chunks.block(6, 1);
        byte[] y = Chunks.block(7, 1);
        Chunk bx = Chunks.data(B, 0, 0, x);
        bx.snapshotOrder = 2000;
        Chunk ax = Chunks.data(A, 0, 5, x);
        ax.snapshotOrder = 1000;
        Chunk ay = Chunks.data(A, 1, 6, y);
        ay.snapshotOrder = 1000;
        Chunk by = Chunks.data(B, 1, 1, y);
        by.snapshotOrder = 2000;
        try (var h = harness(null)) {
            h.processElement(bx, 0); // B (later) is seen first
            h.processElement(ax, 0); // A must not reference B
            h.processElement(ay, 0);
            h.processElement(by, 0); // B may reference A
            List<Chunk> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(c -> c.kind)
                    .containsExactly(Chunk.DATA, Chunk.DATA, Chunk.DATA, Chunk.DEDUP);
            assertThat(out.get(3).dedupSource).isEqualTo(A.toString());
            // The index moved to A: a third snapshot references A, not B.
            Chunk cx = Chunks.data(UUID.randomUUID(), 0, 9, x);
            cx.snapshotOrder = 3000;
            h.processElement(cx, 0);
            assertThat(h.extractOutputValues().get(4).dedupSource).isEqualTo(A.toString());
        }
    }

    @Test
    void aCopyEarlierInTheSameSnapshotThanItsFirstSightingStaysData() throws Exception {
        byte[] x = Chunks.block(5, 2);
        try (var h = harness(null)) {
            // Ordinal 1 (block 30) reaches the index before ordinal 0 (block 10).
            h.processElement(Chunks.data(A, 1, 30, x), 0);
            h.processElement(Chunks.data(A, 0, 10, x), 0);
            assertThat(h.extractOutputValues())
                    .extracting(c -> c.kind)
                    .containsExactly(Chunk.DATA, Chunk.DATA);
        }
    }
}
