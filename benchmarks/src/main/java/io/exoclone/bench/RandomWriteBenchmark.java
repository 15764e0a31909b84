package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Random aligned 4 KiB writes over a 1 GiB volume that was written in full first (so every write
 * splits an existing extent), with the pool's default group commit (every 64 MiB of writes,
 * fsynced). Reported as operations per second: IOPS including the amortized commits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 10)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class RandomWriteBenchmark {
    static final long SIZE = 1L << 30;
    static final int BS = Pool.BLOCK_SIZE;

    private Pool pool;
    private Volume volume;
    private final Random rnd = new Random(7);
    private final byte[][] blocks = new byte[256][];

    @Setup(Level.Trial)
    public void open() {
        pool = Pool.create(BenchDirs.fresh("random"));
        volume = pool.createVolume("v", SIZE);
        byte[] mib = new byte[1 << 20];
        for (long off = 0; off < SIZE; off += mib.length) {
            rnd.nextBytes(mib);
            volume.write(off, mib);
        }
        pool.sync();
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new byte[BS];
            rnd.nextBytes(blocks[i]);
        }
    }

    @Benchmark
    public void write4KiB() {
        long block = (long) (rnd.nextDouble() * (SIZE / BS));
        volume.write(block * BS, blocks[(int) (block & 255)]);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }
}
