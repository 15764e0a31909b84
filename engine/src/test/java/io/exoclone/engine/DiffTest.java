package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Diff checked against a brute-force block-by-block comparison of the two snapshots. */
class DiffTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void diffMatchesBruteForce(long seed) {
        Random rnd = new Random(seed);
        int blocks = 2048;
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            pool.createVolume("v", (long) blocks * BS);
            List<Snapshot> snaps = new ArrayList<>();
            for (int round = 0; round < 6; round++) {
                int writes = rnd.nextInt(60);
                for (int i = 0; i < writes; i++) {
                    int b = rnd.nextInt(blocks);
                    int n = 1 + rnd.nextInt(Math.min(40, blocks - b));
                    byte[] data = new byte[n * BS - (rnd.nextBoolean() ? 100 : 0)];
                    if (rnd.nextInt(5) > 0) {
                        rnd.nextBytes(data);
                    }
                    pool.volume("v").write((long) b * BS + (rnd.nextBoolean() ? 50 : 0), data);
                }
                if (rnd.nextInt(3) == 0) {
                    int b = rnd.nextInt(blocks);
                    pool.volume("v").trim((long) b * BS, (long) rnd.nextInt(blocks - b) * BS);
                }
                snaps.add(pool.snapshot("v", null));
            }
            List<byte[]> contents = new ArrayList<>();
            for (Snapshot s : snaps) {
                contents.add(pool.read(s.id(), 0, blocks * BS));
            }
            for (int i = 0; i < snaps.size(); i++) {
                for (int j = 0; j < snaps.size(); j++) {
                    Snapshot a = snaps.get(i);
                    Snapshot b = snaps.get(j);
                    SnapshotDiff d = pool.diff(a.id(), b.id());
                    boolean[] changed = new boolean[blocks];
                    for (SnapshotDiff.ChangedRange r : d.ranges()) {
                        for (long x = r.startBlock(); x < r.endBlock(); x++) {
                            changed[(int) x] = true;
                        }
                        // zero ranges read as zeros in b
                        if (r.zero()) {
                            byte[] cb = contents.get(j);
                            for (long x = r.offset(); x < r.offset() + r.length(); x++) {
                                assertThat(cb[(int) x]).isZero();
                            }
                        }
                    }
                    byte[] ca = contents.get(i);
                    byte[] cb = contents.get(j);
                    for (int x = 0; x < blocks; x++) {
                        boolean differs =
                                !Arrays.equals(ca, x * BS, (x + 1) * BS, cb, x * BS, (x + 1) * BS);
                        if (differs) {
                            assertThat(changed[x])
                                    .as("block %d differs but diff %d->%d missed it", x, i, j)
                                    .isTrue();
                        }
                    }
                    if (i == j) {
                        assertThat(d.ranges()).isEmpty();
                    }
                }
            }
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void diffReportsOnlyRewrittenBlocksAndVisitsFewNodes() {
        int blocks = 64 * 1024; // 256 MiB
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            pool.createVolume("v", (long) blocks * BS);
            byte[] chunk = new byte[1 << 20];
            Random rnd = new Random(1);
            for (long off = 0; off < (long) blocks * BS; off += chunk.length) {
                rnd.nextBytes(chunk);
                pool.volume("v").write(off, chunk);
            }
            Snapshot base = pool.snapshot("v", "base");
            byte[] b = new byte[BS];
            for (int i = 0; i < 10; i++) {
                rnd.nextBytes(b);
                pool.volume("v").write((long) (i * 6007) * BS, b);
            }
            Snapshot next = pool.snapshot("v", "next");
            SnapshotDiff d = pool.diff(base.id(), next.id());
            assertThat(d.changedBytes()).isEqualTo(10L * BS);
            assertThat(d.ranges()).hasSize(10);
            // The trees have over a hundred nodes; the diff reads only the changed paths of both:
            // at most 10 leaves and their ancestors on each side.
            long pages = pool.stat().nodePagesLive();
            assertThat(pages).isGreaterThan(100);
            assertThat(d.nodesVisited()).isLessThanOrEqualTo(2 * (10 + 10 + 1));
        }
    }
}
