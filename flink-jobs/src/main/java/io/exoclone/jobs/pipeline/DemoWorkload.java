package io.exoclone.jobs.pipeline;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.util.Random;

/**
 * The demo's writes: a thin 64 MiB volume where each step, like a busy VM between two snapshots,
 * appends a log-like sequential run of fresh data, scatters small random writes over a hot region,
 * copies a file that an earlier step wrote (the same bytes at another place: what dedup finds),
 * repeats one block within the step, and now and then trims a range.
 *
 * <p>Regions: {@code [0, 32M)} sequential runs (a cursor that wraps), {@code [32M, 48M)} scattered
 * writes, {@code [48M, 64M)} copies. All writes the dedup should find are 64 KiB aligned, so the
 * copy has the same extents as the original.
 */
final class DemoWorkload {
    static final String VOLUME = "vm1";
    static final long SIZE = 64L << 20;
    private static final int SEQUENTIAL = 2 << 20;
    private static final int COPY = 1 << 20;
    private static final long SEQ_REGION = 32L << 20;
    private static final long HOT_START = 32L << 20;
    private static final long HOT_SIZE = 16L << 20;
    private static final long COPY_START = 48L << 20;
    private static final long COPY_REGION = 16L << 20;

    /** What one step wrote. */
    record Step(Snapshot snapshot, long sequential, long scattered, long copied, long trimmed) {
        long written() {
            return sequential + scattered + copied;
        }
    }

    private final Pool pool;

    DemoWorkload(Pool pool) {
        this.pool = pool;
    }

    /** Creates the volume unless a previous demo run did. */
    Volume volume() {
        return pool.findVolume(VOLUME).orElseGet(() -> pool.createVolume(VOLUME, SIZE));
    }

    /** Writes step {@code n} (0, 1, 2 ... across runs) and snapshots it as {@code demo-N}. */
    Step step(int n) {
        Volume v = volume();
        Random random = new Random(0x5eed_0000L + n);
        long seqAt = (n * (long) SEQUENTIAL) % SEQ_REGION;
        v.write(seqAt, bytes(random, SEQUENTIAL));

        long scattered = 0;
        for (int i = 0; i < 24; i++) {
            int len = (1 + random.nextInt(8)) * 4096;
            long at = HOT_START + random.nextLong(HOT_SIZE / 4096 - 8) * 4096;
            v.write(at, bytes(random, len));
            scattered += len;
        }

        // A copy of 1 MiB the previous step wrote sequentially (this step's at the very first).
        long prevSeq = n == 0 ? seqAt : ((n - 1) * (long) SEQUENTIAL) % SEQ_REGION;
        byte[] copy = v.read(prevSeq, COPY);
        long copyAt = COPY_START + (n * (long) COPY) % (COPY_REGION - COPY);
        v.write(copyAt, copy);
        // One 64 KiB block twice in the step.
        byte[] twice = bytes(random, 64 << 10);
        v.write(HOT_START + HOT_SIZE - (128 << 10), twice);
        v.write(HOT_START + HOT_SIZE - (64 << 10), twice);

        long trimmed = 0;
        if (n % 3 == 2) {
            trimmed = 256 << 10;
            v.trim(HOT_START + random.nextLong(HOT_SIZE / 4096 - 64) * 4096, trimmed);
        }
        Snapshot s = pool.snapshot(VOLUME, "demo-" + (n + 1));
        return new Step(s, SEQUENTIAL, scattered + (128 << 10), COPY, trimmed);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
