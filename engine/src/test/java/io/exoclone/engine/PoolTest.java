package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour of the public API at its edges: locking, validation, thin volumes, space. */
class PoolTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;

    @Test
    void secondOpenIsRefusedWithAClearError() {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            assertThatThrownBy(() -> Pool.open(dir))
                    .isInstanceOf(PoolLockedException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use");
        }
        Pool.open(dir).close(); // released on close
    }

    @Test
    void openingANonPoolSaysSo() {
        assertThatThrownBy(() -> Pool.open(tmp))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("No exoclone pool");
    }

    @Test
    void createRefusesANonEmptyDirectory() throws Exception {
        Files.writeString(tmp.resolve("x"), "x");
        assertThatThrownBy(() -> Pool.create(tmp))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("not empty");
    }

    @Test
    void syncDataMakesWrittenDataDurableWithoutACommit() {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            Volume v = pool.createVolume("vm1", 64L * BS);
            long generation = pool.generation();
            v.write(0, new byte[] {1, 2, 3});
            pool.syncData();
            assertThat(pool.generation()).isEqualTo(generation); // not a commit
            assertThat(pool.resets()).isZero();
            assertThat(v.read(0, 3)).containsExactly(1, 2, 3);
            pool.sync();
            assertThat(pool.generation()).isGreaterThan(generation);
        }
    }

    @Test
    void aFailedDataFsyncDiscardsTheOpenTransaction() throws Exception {
        Path dir = tmp.resolve("p");
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("vm1", 64L * BS).write(0, new byte[] {7});
        }
        // Count the steps up to the fsync of syncData, then fail exactly that one. The write is
        // buffered: syncData writes it to the segment file (one step), then fsyncs it (one step).
        FaultyFileLayer counter = new FaultyFileLayer(Long.MAX_VALUE, FaultyFileLayer.Mode.FAIL);
        long before;
        try (Pool pool = Pool.open(dir, PoolOptions.defaults(), counter)) {
            pool.volume("vm1").write(BS, new byte[] {8});
            before = counter.steps();
            pool.syncData();
            assertThat(counter.steps()).isEqualTo(before + 2);
        }
        FaultyFileLayer layer = new FaultyFileLayer(before + 2, FaultyFileLayer.Mode.FAIL);
        try (Pool pool = Pool.open(dir, PoolOptions.defaults(), layer)) {
            Volume v = pool.volume("vm1");
            v.write(2L * BS, new byte[] {9});
            assertThatThrownBy(pool::syncData)
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("fsync of written data failed");
            assertThat(pool.resets()).isEqualTo(1);
            assertThat(v.read(2L * BS, 1)).containsExactly(0); // the unflushed write is gone
            assertThat(v.read(BS, 1)).containsExactly(8); // committed at the last close
            v.write(3L * BS, new byte[] {10});
            pool.sync();
        }
        try (Pool pool = Pool.open(dir)) {
            assertThat(pool.volume("vm1").read(3L * BS, 1)).containsExactly(10);
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void volumeExtentsShowWrittenBlocksAndLeaveHoles() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("vm1", 64L * BS);
            byte[] data = new byte[3 * BS];
            java.util.Arrays.fill(data, (byte) 7);
            v.write(10L * BS, data); // blocks 10-12
            v.write(40L * BS + 100, new byte[] {1}); // block 40, unaligned
            v.write(20L * BS, new byte[BS]); // zeros are never stored: still a hole
            assertThat(v.extents(0, 64))
                    .extracting(Extent::lba, Extent::blocks)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(10L, 3),
                            org.assertj.core.groups.Tuple.tuple(40L, 1));
            // An extent overlapping the range's start is included whole.
            assertThat(v.extents(11, 12)).extracting(Extent::lba).containsExactly(10L);
            assertThat(v.extents(13, 40)).isEmpty();
            v.trim(10L * BS, BS);
            assertThat(v.extents(0, 64)).extracting(Extent::lba).containsExactly(11L, 40L);
        }
    }

    @Test
    void terabyteVolumesAreThinAndUnwrittenRangesReadAsZeros() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("big", 1L << 40);
            byte[] data = new byte[3 * BS + 17];
            new Random(3).nextBytes(data);
            long off = (1L << 40) - data.length - 5;
            v.write(off, data);
            assertThat(v.read(off, data.length)).isEqualTo(data);
            assertThat(v.read(1L << 39, BS)).containsOnly(0);
            assertThat(pool.stat().dataBytesLive()).isLessThanOrEqualTo(5L * BS);
            assertThat(pool.check().ok()).isTrue();
        }
    }

    @Test
    void badArgumentsAreRejectedAndChangeNothing() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("v", 16 * BS);
            v.write(0, new byte[] {1, 2, 3});
            pool.sync();
            long gen = pool.generation();
            assertThatThrownBy(() -> v.write(15 * BS, new byte[BS + 1]))
                    .isInstanceOf(InvalidArgumentException.class)
                    .hasMessageContaining("outside volume 'v'");
            assertThatThrownBy(() -> pool.createVolume("v", BS))
                    .hasMessageContaining("exists already");
            assertThatThrownBy(() -> pool.createVolume("bad name", BS))
                    .hasMessageContaining("not valid");
            assertThatThrownBy(() -> pool.createVolume("w", 100))
                    .hasMessageContaining("multiple of 4096");
            assertThatThrownBy(() -> pool.resolveSnapshot("v@nope"))
                    .isInstanceOf(NotFoundException.class);
            pool.snapshot("v", "t");
            assertThatThrownBy(() -> pool.snapshot("v", "t"))
                    .hasMessageContaining("already has a snapshot tagged 't'");
            assertThat(pool.generation()).isEqualTo(gen + 1);
            assertThat(v.read(0, 3)).containsExactly(1, 2, 3);
        }
    }

    @Test
    void statSeparatesSharedFromExclusiveAndDeletingFreesSpace() {
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            Volume v = pool.createVolume("v", 1 << 20);
            byte[] data = new byte[256 << 10];
            new Random(9).nextBytes(data);
            v.write(0, data);
            Snapshot s = pool.snapshot("v", null);
            v.write(0, new byte[64 << 10]); // zeros: unmaps 64 KiB in v only
            byte[] more = new byte[64 << 10];
            new Random(10).nextBytes(more);
            v.write(512 << 10, more);
            PoolStats st = pool.stat();
            SpaceStats vol =
                    st.entries().stream()
                            .filter(e -> e.kind().equals("volume"))
                            .findFirst()
                            .orElseThrow();
            SpaceStats snap =
                    st.entries().stream()
                            .filter(e -> e.kind().equals("snapshot"))
                            .findFirst()
                            .orElseThrow();
            assertThat(vol.allocated()).isEqualTo((192 + 64) << 10);
            assertThat(vol.exclusive()).isEqualTo(64 << 10);
            assertThat(vol.shared()).isEqualTo(192 << 10);
            assertThat(snap.allocated()).isEqualTo(256 << 10);
            assertThat(snap.exclusive()).isEqualTo(64 << 10);
            long before = pool.stat().dataBytesLive();
            pool.deleteSnapshot(s.id());
            assertThat(pool.stat().dataBytesLive()).isEqualTo(before - (64 << 10));
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void compactionReclaimsSegmentsAndKeepsContentAndHashes() {
        PoolOptions opts = PoolOptions.builder().segmentSize(1 << 20).build();
        try (Pool pool = Pool.create(tmp.resolve("p"), opts)) {
            Volume v = pool.createVolume("v", 8 << 20);
            Random rnd = new Random(4);
            byte[] data = new byte[4 << 20];
            rnd.nextBytes(data);
            v.write(0, data);
            Snapshot s1 = pool.snapshot("v", null);
            // Overwrite three of every four 64 KiB chunks: the old segments keep a quarter live.
            byte[] chunk = new byte[64 << 10];
            for (int off = 0; off < data.length; off += chunk.length) {
                if ((off / chunk.length) % 4 != 0) {
                    rnd.nextBytes(chunk);
                    v.write(off, chunk);
                    System.arraycopy(chunk, 0, data, off, chunk.length);
                }
            }
            pool.deleteSnapshot(s1.id());
            Snapshot s2 = pool.snapshot("v", null);
            long diskBefore = pool.stat().dataBytesOnDisk();
            long reclaimed = pool.compact();
            PoolStats after = pool.stat();
            assertThat(reclaimed).isPositive();
            assertThat(after.dataBytesOnDisk()).isLessThan(diskBefore);
            assertThat(after.dataBytesOnDisk() - after.dataBytesLive()).isLessThan(1 << 20);
            assertThat(v.read(0, data.length)).isEqualTo(data);
            assertThat(pool.findSnapshot(s2.id()).orElseThrow().rootHashHex())
                    .isEqualTo(s2.rootHashHex());
            assertThat(pool.check().problems()).isEmpty();
        }
    }
}
