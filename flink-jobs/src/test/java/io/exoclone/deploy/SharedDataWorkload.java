package io.exoclone.deploy;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * A writer thread on two volumes that share data, snapshotting both every round until stopped: each
 * round writes 96 KiB of fresh data to {@code vm1}, copies the same bytes into {@code vm2} (so the
 * assembler deduplicates them across volumes), adds 16 KiB of {@code vm2}'s own, trims a range now
 * and then, and takes a snapshot of each volume.
 */
final class SharedDataWorkload {
    static final long SIZE = 2L << 20;
    private static final int FRESH = 96 << 10;
    private static final int ROUNDS_MAX = 200;

    private final Pool pool;
    private final Random random;
    private final Duration pause;
    private final List<UUID> snapshots = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable failure;

    SharedDataWorkload(Pool pool, long seed, Duration pause) {
        this.pool = pool;
        this.random = new Random(seed);
        this.pause = pause;
        this.thread = new Thread(this::run, "shared-data-workload");
        this.thread.setDaemon(true);
    }

    void start() {
        pool.createVolume("vm1", SIZE);
        pool.createVolume("vm2", SIZE);
        thread.start();
    }

    /** Stops after the current round and waits for it; fails if the writer failed. */
    void stop() {
        stopping = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw new AssertionError("The workload failed", failure);
        }
    }

    /** The snapshots taken so far, in order. */
    synchronized List<UUID> snapshots() {
        return List.copyOf(snapshots);
    }

    synchronized int count() {
        return snapshots.size();
    }

    private void run() {
        try {
            for (int round = 0; round < ROUNDS_MAX && !stopping; round++) {
                round(round);
                Thread.sleep(pause.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void round(int round) {
        Volume vm1 = pool.volume("vm1");
        Volume vm2 = pool.volume("vm2");
        int slots = (int) (SIZE / FRESH);
        byte[] fresh = bytes(FRESH);
        vm1.write((long) (round % slots) * FRESH, fresh);
        if (round % 5 == 4) {
            vm1.trim((long) ((round + 3) % slots) * FRESH, 32 << 10);
        }
        UUID a = pool.snapshot("vm1", "r" + round).id();
        vm2.write((long) ((round * 7 + 3) % slots) * FRESH, fresh);
        vm2.write((long) random.nextInt((int) (SIZE >> 12) - 4) << 12, bytes(16 << 10));
        UUID b = pool.snapshot("vm2", "r" + round).id();
        synchronized (this) {
            snapshots.add(a);
            snapshots.add(b);
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
