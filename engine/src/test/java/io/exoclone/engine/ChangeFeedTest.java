package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine side of the change feed: listeners, per-leaf changes, durable properties. */
class ChangeFeedTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    @Test
    void aConsumerRebuildsEverySnapshotFromItsChangesAlone() {
        Random rnd = new Random(31);
        int size = 8 << 20;
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            List<Snapshot> told = new ArrayList<>();
            pool.addChangeListener(told::add);
            Volume v = pool.createVolume("v", size);
            byte[] replica = new byte[size];
            for (int round = 0; round < 6; round++) {
                for (int i = 0; i < 30; i++) {
                    byte[] d = new byte[1 + rnd.nextInt(100 << 10)];
                    rnd.nextBytes(d);
                    v.write(rnd.nextInt(size - d.length), d);
                }
                v.trim(rnd.nextInt(size / 2), rnd.nextInt(1 << 20));
                Snapshot s = pool.snapshot("v", null);
                assertThat(told).last().isEqualTo(s);
                SnapshotChanges c = pool.changes(s.id());
                long lastNode = -2;
                long prevBlock = -1;
                for (SnapshotChanges.LeafChange leaf : c.leaves()) {
                    assertThat(leaf.nodeId()).isNotEqualTo(lastNode);
                    lastNode = leaf.nodeId();
                    for (ChangeRange r : leaf.ranges()) {
                        assertThat(r.startBlock()).isGreaterThan(prevBlock);
                        prevBlock = r.startBlock();
                        int off = (int) (r.startBlock() * BS);
                        int len = (int) (r.blocks() * BS);
                        if (r instanceof ChangeRange.Zero) {
                            java.util.Arrays.fill(replica, off, off + len, (byte) 0);
                        } else {
                            assertThat(r.blocks()).isLessThanOrEqualTo(16);
                            System.arraycopy(pool.read(s.id(), off, len), 0, replica, off, len);
                        }
                    }
                }
                RandomOpsTest.assertSameBytes(
                        "replica after " + round, pool.read(s.id(), 0, size), replica);
            }
            assertThat(told).hasSize(6);
        }
    }

    @Test
    void propertiesAreDurable() {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            pool.setProperty("feed.cursor", "42");
            pool.setProperty("other", "x");
            pool.setProperty("other", null);
        }
        try (Pool pool = Pool.open(dir)) {
            assertThat(pool.property("feed.cursor")).contains("42");
            assertThat(pool.property("other")).isEmpty();
        }
    }
}
