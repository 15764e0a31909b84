package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content index entries a snapshot binds: a few in its own commit, many a part at a time after
 * it, all of them usable by export once committed.
 */
class SnapshotIndexTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    private static byte[] block(int i) {
        byte[] b = new byte[BS];
        Arrays.fill(b, (byte) i);
        b[0] = (byte) (i >> 8);
        b[1] = 1; // never all zeroes
        return b;
    }

    @Test
    void aSnapshotOfFewExtentsCommitsTheirEntriesWithItself() {
        try (Pool p = Pool.create(tmp.resolve("p"))) {
            Volume v = p.createVolume("v", 1 << 20);
            for (int i = 0; i < 10; i++) {
                v.write(2L * i * BS, block(i));
            }
            p.snapshot("v", null);
            long gen = p.generation();
            p.sync();
            assertThat(p.generation()).as("nothing left to commit").isEqualTo(gen);
        }
    }

    @Test
    void aSnapshotOfManyExtentsBindsAllOfThemForExport() {
        int n = 1000;
        Path dir = tmp.resolve("p");
        Snapshot base;
        try (Pool p = Pool.create(dir)) {
            Volume v = p.createVolume("v", 16 << 20);
            for (int i = 0; i < n; i++) {
                v.write(2L * i * BS, block(i));
            }
            base = p.snapshot("v", "base");
            long gen = p.generation();
            p.sync();
            assertThat(p.generation())
                    .as("the entries bound after the snapshot's commit commit next")
                    .isEqualTo(gen + 1);
        }
        try (Pool p = Pool.open(dir)) {
            Volume v = p.volume("v");
            for (int i = 0; i < n; i++) {
                v.write((2001L + 2L * i) * BS, block(i)); // the same contents, elsewhere
            }
            Snapshot moved = p.snapshot("v", "moved");
            long deduped =
                    p.exportPlan(moved.id()).ranges().stream()
                            .filter(
                                    r ->
                                            r instanceof ChangeRange.Dedup d
                                                    && d.source().equals(base.id()))
                            .count();
            assertThat(deduped).isEqualTo(n);
            assertThat(p.check().problems()).isEmpty();
        }
    }
}
