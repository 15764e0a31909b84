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

    private static KeyedOneInputStreamOperatorTestHarness<Integer, Claim, Verdict> harness(
            OperatorSubtaskState restore) throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new DedupFunction(Chunks.BS)),
                        Claim::dedupBucket,
                        Types.INT);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static Claim ordered(Claim c, long order) {
        c.snapshotOrder = order;
        return c;
    }

    @Test
    void firstOccurrenceIsKeptLaterOnesReferenceItAcrossARestore() throws Exception {
        byte[] x = Chunks.block(1, 4);
        byte[] y = Chunks.block(2, 4);
        OperatorSubtaskState state;
        try (var h = harness(null)) {
            h.processElement(Chunks.claim(A, 0, 8, x), 0);
            h.processElement(Chunks.claim(A, 2, 40, x), 0); // same snapshot, later block
            h.processElement(Chunks.claim(A, 3, 60, y), 0);
            List<Verdict> out = h.extractOutputValues();
            assertThat(out).extracting(v -> v.ordinal).containsExactly(0L, 2L, 3L);
            assertThat(out).extracting(v -> v.snapshotId).containsOnly(A.toString());
            assertThat(out).extracting(v -> v.dedup).containsExactly(false, true, false);
            assertThat(out.get(1).dedupSource).isEqualTo(A.toString());
            assertThat(out.get(1).dedupOffset).isEqualTo(8L * Chunks.BS);
            state = h.snapshot(1, 1);
        }
        try (var h = harness(state)) {
            h.processElement(Chunks.claim(B, 0, 0, y), 0);
            Verdict v = h.extractOutputValues().get(0);
            assertThat(v.dedup).isTrue();
            assertThat(v.snapshotId).isEqualTo(B.toString());
            assertThat(v.dedupSource).isEqualTo(A.toString());
            assertThat(v.dedupOffset).isEqualTo(60L * Chunks.BS);
        }
    }

    @Test
    void sameHashOfAnotherLengthIsNotADuplicate() throws Exception {
        byte[] x = Chunks.block(1, 4);
        try (var h = harness(null)) {
            h.processElement(Chunks.claim(A, 0, 8, x), 0);
            Claim other = Chunks.claim(B, 0, 0, x);
            other.blocks = 2; // cannot happen with SHA-256, but the index checks the length too
            h.processElement(other, 0);
            assertThat(h.extractOutputValues())
                    .extracting(v -> v.dedup)
                    .containsExactly(false, false);
        }
    }

    @Test
    void aSnapshotLaterInTheOrderNeverBecomesTheSourceOfAnEarlierOne() throws Exception {
        byte[] x = Chunks.block(6, 1);
        byte[] y = Chunks.block(7, 1);
        try (var h = harness(null)) {
            h.processElement(ordered(Chunks.claim(B, 0, 0, x), 2000), 0); // B (later) first
            h.processElement(ordered(Chunks.claim(A, 0, 5, x), 1000), 0); // A must not ref B
            h.processElement(ordered(Chunks.claim(A, 1, 6, y), 1000), 0);
            h.processElement(ordered(Chunks.claim(B, 1, 1, y), 2000), 0); // B may reference A
            List<Verdict> out = h.extractOutputValues();
            assertThat(out).extracting(v -> v.dedup).containsExactly(false, false, false, true);
            assertThat(out.get(3).dedupSource).isEqualTo(A.toString());
            // The index moved to A: a third snapshot references A, not B.
            h.processElement(ordered(Chunks.claim(UUID.randomUUID(), 0, 9, x), 3000), 0);
            assertThat(h.extractOutputValues().get(4).dedupSource).isEqualTo(A.toString());
        }
    }

    @Test
    void aCopyEarlierInTheSameSnapshotThanItsFirstSightingIsKept() throws Exception {
        byte[] x = Chunks.block(5, 2);
        try (var h = harness(null)) {
            // Ordinal 1 (block 30) reaches the index before ordinal 0 (block 10).
            h.processElement(Chunks.claim(A, 1, 30, x), 0);
            h.processElement(Chunks.claim(A, 0, 10, x), 0);
            assertThat(h.extractOutputValues())
                    .extracting(v -> v.dedup)
                    .containsExactly(false, false);
        }
    }

    @Test
    void hashesThatShareABucketKeepTheirOwnPlacesAcrossARestore() throws Exception {
        // 300 contents whose hashes all start with the same two bytes: one bucket, one key.
        java.util.Random rnd = new java.util.Random(3);
        List<byte[]> hashes = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            byte[] h = new byte[32];
            rnd.nextBytes(h);
            h[0] = 0x12;
            h[1] = 0x34;
            hashes.add(h);
        }
        OperatorSubtaskState state;
        try (var h = harness(null)) {
            for (int i = 0; i < hashes.size(); i++) {
                h.processElement(claim(A, i, 16L * i, hashes.get(i)), 0);
            }
            assertThat(h.extractOutputValues()).noneMatch(v -> v.dedup);
            state = h.snapshot(1, 1);
        }
        try (var h = harness(state)) {
            for (int i = hashes.size() - 1; i >= 0; i--) {
                h.processElement(claim(B, i, 0, hashes.get(i)), 0);
            }
            List<Verdict> out = h.extractOutputValues();
            assertThat(out).allMatch(v -> v.dedup && v.dedupSource.equals(A.toString()));
            for (int j = 0; j < out.size(); j++) {
                int i = hashes.size() - 1 - j;
                assertThat(out.get(j).dedupOffset).isEqualTo(16L * i * Chunks.BS);
            }
        }
    }

    private static Claim claim(UUID snapshot, long ordinal, long startBlock, byte[] hash) {
        Claim c = new Claim();
        c.contentHash = hash;
        c.blocks = 16;
        c.startBlock = startBlock;
        c.snapshotId = snapshot.toString();
        c.ordinal = ordinal;
        c.snapshotOrder = snapshot.equals(A) ? 1 : 2;
        return c;
    }
}
