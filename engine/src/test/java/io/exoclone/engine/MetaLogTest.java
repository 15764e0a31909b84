package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
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
        assertThat(replayed.contentIndex)
                .containsEntry(hash, new PoolState.IndexEntry(snap, 16, 4));
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
    void pairLogReducesToTheLastValueOfEachKey() {
        PairLog log = new PairLog();
        for (int i = 0; i < 1000; i++) {
            log.add(i % 7, i);
        }
        long[][] last = log.lastValues();
        assertThat(last[0]).hasSize(7);
        for (int i = 0; i < last[0].length; i++) {
            long key = last[0][i];
            assertThat(last[1][i]).isEqualTo(999 - (999 - key) % 7); // the last i with i % 7 == key
        }
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
