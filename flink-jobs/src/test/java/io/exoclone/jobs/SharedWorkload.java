package io.exoclone.jobs;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.util.Random;
import java.util.UUID;

/**
 * Two volumes whose snapshots share data: {@code b} copies half of {@code a}'s first snapshot and
 * later {@code a}'s newest blocks, and repeats one of its own ranges. Four snapshots, taken one
 * step at a time so a test can publish each as it is taken.
 */
final class SharedWorkload {
    static final long SIZE = 2L << 20;
    static final int STEPS = 4;

    private final Pool pool;
    private final Random random;
    private Volume a;
    private Volume b;
    private byte[] shared;
    private byte[] fresh;

    SharedWorkload(Pool pool, long seed) {
        this.pool = pool;
        this.random = new Random(seed);
    }

    /** Takes snapshot {@code step} (0 to {@link #STEPS} - 1) and returns its id. */
    UUID step(int step) {
        switch (step) {
            case 0 -> {
                a = pool.createVolume("a", SIZE);
                byte[] first = bytes(1 << 20);
                a.write(0, first);
                shared = java.util.Arrays.copyOfRange(first, 0, 512 << 10);
                return pool.snapshot("a", "a1").id();
            }
            case 1 -> {
                b = pool.createVolume("b", SIZE);
                b.write(256 << 10, shared);
                b.write(1 << 20, bytes(256 << 10));
                byte[] twice = bytes(64 << 10);
                b.write(1536 << 10, twice);
                b.write(1792 << 10, twice);
                return pool.snapshot("b", "b1").id();
            }
            case 2 -> {
                fresh = bytes(128 << 10);
                a.write(512 << 10, fresh);
                a.trim(0, 64 << 10);
                return pool.snapshot("a", "a2").id();
            }
            case 3 -> {
                b.write(0, fresh);
                b.write(1664 << 10, bytes(16 << 10));
                return pool.snapshot("b", "b2").id();
            }
            default -> throw new IllegalArgumentException("No step " + step);
        }
    }

    private byte[] bytes(int n) {
        byte[] out = new byte[n];
        random.nextBytes(out);
        return out;
    }
}
