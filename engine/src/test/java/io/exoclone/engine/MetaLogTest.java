package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records taken under the monitor and encoded after the state moved on hold what was taken. */
class MetaLogTest {
    @TempDir Path tmp;

    private static final long KEY = LeafEntry.allocKey(1, 32);

    @Test
    void aFrozenRecordHoldsTheValuesOfItsFreezeNotLaterOnes() throws Exception {
        PoolState s = new PoolState();
        s.nextPageId = 10;
        s.currentSegment = 1;
        s.setSegmentLength(1, 64L * Pool.BLOCK_SIZE);
        s.setPageRefs(3, 1);
        s.createAlloc(KEY, 4);
        s.incAlloc(KEY);
        PoolState.HashKey hash = new PoolState.HashKey(7, 8);
        UUID snap = UUID.randomUUID();

        MetaLog.Frozen full = MetaLog.freeze(s, 1, true);
        s.clearChanges();
        s.setPageRefs(3, 2);
        s.setPageRefs(4, 1);
        s.incAlloc(KEY);
        s.putIndex(hash, new PoolState.IndexEntry(snap, 16, 4));

        MetaLog.Frozen delta = MetaLog.freeze(s, 2, false);
        s.clearChanges();
        // Changes after the second freeze: neither record may show them.
        s.setPageRefs(3, 9);
        s.setPageRefs(4, 0);
        s.decAlloc(KEY);
        s.decAlloc(KEY);
        s.unindexSnapshot(snap);

        PoolState replayed = replay(full.encode(), delta.encode());
        assertThat(replayed.seq).isEqualTo(2);
        assertThat(replayed.pageRefs(3)).isEqualTo(2);
        assertThat(replayed.pageRefs(4)).isEqualTo(1);
        assertThat(replayed.alloc(KEY)).isEqualTo(new PoolState.AllocRec(4, 2));
        assertThat(replayed.contentIndex.get(hash))
                .isEqualTo(new PoolState.IndexEntry(snap, 16, 4));
        assertThat(replayed.segments).containsEntry(1, 64L * Pool.BLOCK_SIZE);
    }

    @Test
    void aDeltaKeepsTheLastOfSeveralChangesToOneCount() throws Exception {
        PoolState s = new PoolState();
        s.nextPageId = 10;
        s.currentSegment = 1;
        s.setSegmentLength(1, 0);
        MetaLog.Frozen full = MetaLog.freeze(s, 1, true);
        s.clearChanges();
        s.createAlloc(KEY, 16);
        for (int i = 0; i < 5; i++) {
            s.incAlloc(KEY);
        }
        s.decAlloc(KEY);
        s.setPageRefs(5, 1);
        s.setPageRefs(5, 0);
        PoolState replayed = replay(full.encode(), MetaLog.freeze(s, 2, false).encode());
        assertThat(replayed.alloc(KEY)).isEqualTo(new PoolState.AllocRec(16, 4));
        assertThat(replayed.pageRefs.containsKey(5)).isFalse();
    }

    @Test
    void pairLogReducesToTheLastValueOfEachKeyAcrossChunksAndRounds() {
        PairLog.Seen seen = new PairLog.Seen(); // one scratch set for both logs, as a committer
        for (int keys : new int[] {7, 5_000}) {
            PairLog log = new PairLog();
            int n = 5 * PairLog.CHUNK; // pairs: several full chunks and a partial one
            for (int i = 0; i < n; i++) {
                log.add(i % keys, i);
            }
            Map<Long, Long> last = new HashMap<>();
            int visited =
                    log.forEachLast(
                            seen,
                            (key, value) ->
                                    assertThat(last.put(key, value))
                                            .as("key %d twice", key)
                                            .isNull());
            assertThat(visited).isEqualTo(keys);
            assertThat(last).hasSize(keys);
            for (var e : last.entrySet()) { // the last i with i % keys == key
                long key = e.getKey();
                assertThat(e.getValue()).isEqualTo(n - 1 - (n - 1 - key) % keys);
            }
        }
    }

    @Test
    void aReusedScratchEncodesWhatAFreshOneDoes() throws Exception {
        PoolState s = new PoolState();
        s.nextPageId = 10;
        s.currentSegment = 1;
        s.setSegmentLength(1, 0);
        MetaLog.Scratch scratch = new MetaLog.Scratch();
        ByteBuffer full = copy(MetaLog.freeze(s, 1, true).encode(scratch));
        s.clearChanges();
        List<ByteBuffer> deltas = new ArrayList<>();
        for (int seq = 2; seq < 5; seq++) {
            for (int i = 0; i < 3 * PairLog.CHUNK; i++) {
                s.setPageRefs(100 + i % 1_000, seq + i % 3);
            }
            s.createAlloc(LeafEntry.allocKey(seq, 32), seq);
            s.incAlloc(LeafEntry.allocKey(seq, 32));
            MetaLog.Frozen f = MetaLog.freeze(s, seq, false);
            s.clearChanges();
            ByteBuffer reused = copy(f.encode(scratch));
            assertThat(reused).isEqualTo(f.encode());
            deltas.add(reused);
        }
        List<ByteBuffer> all = new ArrayList<>(List.of(full));
        all.addAll(deltas);
        PoolState replayed = replay(all.toArray(ByteBuffer[]::new));
        assertThat(replayed.seq).isEqualTo(4);
        assertThat(replayed.pageRefs(100)).isEqualTo(s.pageRefs(100));
        assertThat(replayed.pageRefs(1_099)).isEqualTo(s.pageRefs(1_099));
        assertThat(replayed.alloc(LeafEntry.allocKey(3, 32)))
                .isEqualTo(new PoolState.AllocRec(3, 1));
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    private PoolState replay(ByteBuffer... records) throws Exception {
        Path file = tmp.resolve("meta.log");
        long length = 0;
        try (FileLayer.Handle h = RealFileLayer.INSTANCE.open(file, true)) {
            for (ByteBuffer r : records) {
                int n = r.remaining();
                h.write(r, length);
                length += n;
            }
        }
        PoolState out = new PoolState();
        try (FileLayer.Handle h = RealFileLayer.INSTANCE.open(file, false)) {
            MetaLog.replay(h, file.toString(), length, out);
        }
        return out;
    }
}
