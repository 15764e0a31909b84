package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commits write and fsync outside the pool's monitor: a writer is not held up by a slow fsync of a
 * snapshot's commit, a snapshot is visible only once durable, and a power loss in the middle of all
 * this keeps every snapshot that {@link Pool#snapshot} returned.
 */
class CommitOutsideMonitorTest {
    @TempDir Path tmp;

    private static final int BS = Pool.BLOCK_SIZE;
    private static final int VOLUME_BLOCKS = 4096;
    private static final long FSYNC_DELAY_MS = 400;

    private static PoolOptions options() {
        // No group commit in the run: the commits are the snapshots'.
        return PoolOptions.builder().groupCommitBytes(1L << 40).reserveBytes(64 << 10).build();
    }

    /** Writes random blocks until stopped; records the slowest write. */
    private static final class Writer extends Thread {
        final Pool pool;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong maxNanos = new AtomicLong();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();

        Writer(Pool pool) {
            this.pool = pool;
        }

        @Override
        public void run() {
            Random rnd = new Random(7);
            byte[] block = new byte[BS];
            Volume v = pool.volume("vm1");
            try {
                while (!stop.get()) {
                    rnd.nextBytes(block);
                    long t0 = System.nanoTime();
                    v.write((long) rnd.nextInt(VOLUME_BLOCKS) * BS, block);
                    long took = System.nanoTime() - t0;
                    maxNanos.accumulateAndGet(took, Math::max);
                    writes.incrementAndGet();
                    Thread.sleep(0, 200_000);
                }
            } catch (RuntimeException e) {
                failure.set(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void writersAreNotBlockedWhileASnapshotFsyncs() throws Exception {
        Path dir = tmp.resolve("p");
        Pool.create(dir, options()).close();
        FaultyFileLayer layer = new FaultyFileLayer(Long.MAX_VALUE, FaultyFileLayer.Mode.FAIL);
        try (Pool pool = Pool.open(dir, options(), layer)) {
            pool.createVolume("vm1", (long) VOLUME_BLOCKS * BS);
            Writer w = new Writer(pool);
            w.start();
            Thread.sleep(200);
            layer.delayForces(FSYNC_DELAY_MS);
            List<Snapshot> taken = new ArrayList<>();
            long during = 0;
            for (int i = 0; i < 3; i++) {
                long before = w.writes.get();
                w.maxNanos.set(0);
                long t0 = System.nanoTime();
                taken.add(pool.snapshot("vm1", "s" + i));
                long tookMs = (System.nanoTime() - t0) / 1_000_000;
                during += w.writes.get() - before;
                // The commit fsyncs data, nodes, log and superblock: several delays long.
                assertThat(tookMs).isGreaterThanOrEqualTo(2 * FSYNC_DELAY_MS);
                assertThat(w.maxNanos.get() / 1_000_000)
                        .as("slowest write while snapshot %d took %d ms", i, tookMs)
                        .isLessThan(FSYNC_DELAY_MS / 2);
            }
            layer.delayForces(0);
            w.stop.set(true);
            w.join();
            assertThat(w.failure.get()).isNull();
            assertThat(during).as("writes during the snapshots' fsyncs").isGreaterThan(30);
            assertThat(pool.snapshots())
                    .extracting(Snapshot::id)
                    .containsExactlyElementsOf(taken.stream().map(Snapshot::id).toList());
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void aSnapshotIsNotVisibleBeforeItIsDurable() throws Exception {
        Path dir = tmp.resolve("p");
        Pool.create(dir, options()).close();
        FaultyFileLayer layer = new FaultyFileLayer(Long.MAX_VALUE, FaultyFileLayer.Mode.FAIL);
        try (Pool pool = Pool.open(dir, options(), layer)) {
            pool.createVolume("vm1", (long) VOLUME_BLOCKS * BS).write(0, new byte[] {1});
            layer.delayForces(FSYNC_DELAY_MS);
            AtomicReference<Snapshot> taken = new AtomicReference<>();
            Thread t = new Thread(() -> taken.set(pool.snapshot("vm1", "s")));
            t.start();
            Thread.sleep(FSYNC_DELAY_MS / 2); // the commit is frozen and in its first fsync
            // A reader of the volume goes on; a reader of the catalog waits for durability.
            long t0 = System.nanoTime();
            assertThat(pool.volume("vm1").read(0, 1)).containsExactly(1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(FSYNC_DELAY_MS / 2);
            List<Snapshot> seen = pool.snapshots();
            // The listing waited for the commit: the snapshot is there, and durable.
            assertThat(seen).hasSize(1);
            assertThat(pool.generation()).isEqualTo(seen.get(0).generation());
            t.join();
            assertThat(seen.get(0).id()).isEqualTo(taken.get().id());
        }
    }

    @Test
    void aPowerLossDuringCommitsWithAWriterKeepsEverySnapshotTaken() throws Exception {
        for (long cut : new long[] {1_500, 3_000, 4_500}) {
            Path dir = tmp.resolve("p" + cut);
            Pool.create(dir, options()).close();
            FaultyFileLayer layer =
                    new FaultyFileLayer(cut, FaultyFileLayer.Mode.CRASH_LOSE_UNSYNCED);
            List<Snapshot> taken = new ArrayList<>();
            Pool pool = Pool.open(dir, options(), layer);
            Writer w;
            try {
                pool.createVolume("vm1", (long) VOLUME_BLOCKS * BS);
                w = new Writer(pool);
                w.start();
                try {
                    for (int i = 0; i < 1000 && !layer.fired(); i++) {
                        taken.add(pool.snapshot("vm1", "s" + i));
                        Thread.sleep(5);
                    }
                } catch (ExocloneException powerOff) {
                    // the cut surfaced in a snapshot's commit
                }
                w.stop.set(true);
                w.join();
            } finally {
                try {
                    pool.close();
                } catch (ExocloneException powerOff) {
                    // expected after the cut
                }
            }
            assertThat(layer.fired()).isTrue();
            layer.powerLoss();
            try (Pool reopened = Pool.open(dir, options())) {
                assertThat(reopened.check().problems())
                        .as("check after a cut at %d", cut)
                        .isEmpty();
                for (Snapshot s : taken) {
                    Snapshot again = reopened.findSnapshot(s.id()).orElse(null);
                    assertThat(again).as("snapshot %s after a cut at %d", s.tag(), cut).isNotNull();
                    assertThat(again.rootHash()).isEqualTo(s.rootHash());
                    // check() above matched the root hash against the tree and re-hashed data.
                    reopened.readVerified(s.id(), 0, (int) s.size());
                }
            }
        }
    }
}
