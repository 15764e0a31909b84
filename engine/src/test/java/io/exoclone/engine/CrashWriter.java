package io.exoclone.engine;

import java.nio.file.Path;
import java.util.Random;

/**
 * A writer process for {@link KillDashNineITCase}: writes to a pool without end, snapshotting after
 * every round, and prints {@code COMMITTED <tag> <root hash>} once a snapshot is durable.
 */
public final class CrashWriter {
    private CrashWriter() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        int bs = Pool.BLOCK_SIZE;
        try (Pool pool =
                Pool.open(dir, PoolOptions.builder().groupCommitBytes(256 << 10).build())) {
            Volume v = pool.volume("v");
            long size = v.size();
            for (int round = 0; ; round++) {
                for (int i = 0; i < 50; i++) {
                    int len = 1 + rnd.nextInt(32 * bs);
                    long off = (long) (rnd.nextDouble() * (size - len));
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    v.write(off, data);
                }
                if (round % 3 == 2) {
                    long off = (long) (rnd.nextDouble() * (size / 2));
                    v.trim(off, rnd.nextInt(64 * bs));
                }
                Snapshot s = pool.snapshot("v", "r" + round);
                System.out.println("COMMITTED r" + round + " " + s.rootHashHex());
                System.out.flush();
            }
        }
    }
}
