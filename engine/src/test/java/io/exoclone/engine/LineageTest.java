package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkout, commit, rebase and three-way merge, like git, at block granularity. */
class LineageTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;
    private Pool pool;
    private Snapshot base;

    private static byte[] fill(int blocks, int value) {
        byte[] b = new byte[blocks * BS];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @BeforeEach
    void setUp() {
        pool = Pool.create(tmp.resolve("p"));
        Volume main = pool.createVolume("main", 64 * BS);
        main.write(0, fill(64, 1));
        base = pool.snapshot("main", "base");
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        assertThat(pool.check().problems()).isEmpty();
        pool.close();
    }

    @Test
    void checkoutThenCommitRecordsTheCheckedOutParent() {
        Volume feature = pool.clone(base.id(), "feature");
        feature.write(0, fill(1, 2));
        Snapshot c = pool.snapshot("feature", "c1");
        assertThat(c.parentId()).contains(base.id());
        assertThat(pool.lineage(c.id()))
                .extracting(Snapshot::id)
                .containsExactly(c.id(), base.id());
    }

    @Test
    void rebaseReplaysOwnChangesOntoTheNewBase() {
        Volume feature = pool.clone(base.id(), "feature");
        feature.write(10 * BS, fill(2, 7));
        pool.volume("main").write(40 * BS, fill(4, 9));
        Snapshot upstream = pool.snapshot("main", "upstream");

        MergeResult r = pool.rebase("feature", upstream.id());
        assertThat(r.applied()).hasSize(1);
        assertThat(pool.volume("feature").baseSnapshotId()).contains(upstream.id());
        byte[] expected = fill(64, 1);
        System.arraycopy(fill(2, 7), 0, expected, 10 * BS, 2 * BS);
        System.arraycopy(fill(4, 9), 0, expected, 40 * BS, 4 * BS);
        assertThat(pool.volume("feature").read(0, 64 * BS)).isEqualTo(expected);
        assertThat(pool.snapshot("feature", null).parentId()).contains(upstream.id());
    }

    @Test
    void mergeTakesOneSidedChangesAndRecordsBothParents() {
        Volume feature = pool.clone(base.id(), "feature");
        feature.write(0, fill(2, 5));
        Snapshot theirs = pool.snapshot("feature", "f1");
        pool.volume("main").write(30 * BS, fill(3, 6));

        MergeResult r = pool.merge("main", theirs.id(), MergeStrategy.FAIL, "merged");
        assertThat(r.conflicts()).isEmpty();
        assertThat(r.ancestor()).map(Snapshot::id).contains(base.id());
        Snapshot commit = r.snapshot().orElseThrow();
        assertThat(commit.parentId()).contains(base.id());
        assertThat(commit.mergeParentId()).contains(theirs.id());
        byte[] expected = fill(64, 1);
        System.arraycopy(fill(2, 5), 0, expected, 0, 2 * BS);
        System.arraycopy(fill(3, 6), 0, expected, 30 * BS, 3 * BS);
        assertThat(pool.read(commit.id(), 0, 64 * BS)).isEqualTo(expected);
    }

    @Test
    void conflictsFailByDefaultAndResolveByStrategy() {
        Volume feature = pool.clone(base.id(), "feature");
        feature.write(8 * BS, fill(4, 0x22));
        feature.write(50 * BS, fill(1, 0x33));
        Snapshot theirs = pool.snapshot("feature", "f1");
        pool.volume("main").write(9 * BS, fill(1, 0x44)); // overlaps feature's 8..12
        pool.volume("main").write(50 * BS, fill(1, 0x33)); // same bytes: no conflict
        byte[] before = pool.volume("main").read(0, 64 * BS);
        long gen = pool.generation();

        assertThatThrownBy(() -> pool.merge("main", theirs.id(), MergeStrategy.FAIL, null))
                .isInstanceOf(MergeConflictException.class)
                .hasMessageContaining("1 conflicting range")
                .hasMessageContaining("9+1");
        assertThat(pool.generation()).isEqualTo(gen);
        assertThat(pool.volume("main").read(0, 64 * BS)).isEqualTo(before);

        MergeResult ours = pool.merge("main", theirs.id(), MergeStrategy.OURS, null);
        assertThat(ours.conflicts()).hasSize(1);
        byte[] got = pool.volume("main").read(0, 64 * BS);
        assertThat(Arrays.copyOfRange(got, 9 * BS, 10 * BS)).containsOnly(0x44);
        assertThat(Arrays.copyOfRange(got, 8 * BS, 9 * BS)).containsOnly(0x22);
        assertThat(Arrays.copyOfRange(got, 10 * BS, 12 * BS)).containsOnly(0x22);

        Volume other = pool.clone(base.id(), "other");
        other.write(9 * BS, fill(1, 0x55));
        MergeResult t = pool.merge("other", theirs.id(), MergeStrategy.THEIRS, null);
        assertThat(t.conflicts()).hasSize(1);
        assertThat(Arrays.copyOfRange(pool.volume("other").read(0, 64 * BS), 8 * BS, 12 * BS))
                .containsOnly(0x22);
    }
}
