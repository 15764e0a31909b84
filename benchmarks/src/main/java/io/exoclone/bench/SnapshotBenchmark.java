package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
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
 * Snapshot and clone of a 1 GiB volume holding 256 MiB of data. Each call is a durable commit
 * (superblock fsync included); the volume gets one 4 KiB write before each snapshot so every
 * snapshot is of a changed volume. Sample mode reports the median (p0.50) directly.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 5)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class SnapshotBenchmark {
    private Pool pool;
    private Volume volume;
    private Snapshot base;
    private long n;
    private final byte[] block = new byte[Pool.BLOCK_SIZE];

    @Setup(Level.Trial)
    public void open() {
        pool = Pool.create(BenchDirs.fresh("snapshot"));
        volume = pool.createVolume("v", 1L << 30);
        byte[] mib = new byte[1 << 20];
        Random rnd = new Random(5);
        for (int i = 0; i < 256; i++) {
            rnd.nextBytes(mib);
            volume.write((long) i * 4 * mib.length, mib);
        }
        base = pool.snapshot("v", "base");
        new Random(6).nextBytes(block);
    }

    @Benchmark
    public Snapshot snapshot() {
        block[0] = (byte) n;
        volume.write((n++ % 1000) * Pool.BLOCK_SIZE, block);
        return pool.snapshot("v", null);
    }

    @Benchmark
    public Volume cloneSnapshot() {
        return pool.clone(base.id(), "c" + n++);
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
    }
}
