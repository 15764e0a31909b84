package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotDiff;
import io.exoclone.engine.Volume;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diff scaling: the same change on fully written volumes of growing size. {@code contiguous} is 16
 * MiB rewritten in one place; {@code scattered} is 4,096 single 4 KiB blocks spread evenly. The
 * node cache is dropped before every diff (the pool is reopened), so node reads are real reads from
 * the node file (page cache warm).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx3g"})
public class DiffBenchmark {
    @Param({"256M", "1G", "4G"})
    public String volumeSize;

    @Param({"contiguous", "scattered"})
    public String change;

    private java.nio.file.Path dir;
    private Pool pool;
    private Snapshot before;
    private Snapshot after;

    /** Nodes visited by the last diff, reported next to the time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Visited {
        public long nodesVisited;
        public long changedBytes;
    }

    @Setup(Level.Trial)
    public void build() {
        long size = parse(volumeSize);
        dir = BenchDirs.fresh("diff-" + volumeSize + "-" + change);
        try (Pool p = Pool.create(dir)) {
            Volume v = p.createVolume("v", size);
            Random rnd = new Random(3);
            byte[] mib = new byte[1 << 20];
            for (long off = 0; off < size; off += mib.length) {
                rnd.nextBytes(mib);
                v.write(off, mib);
            }
            before = p.snapshot("v", "before");
            if (change.equals("contiguous")) {
                byte[] c = new byte[16 << 20];
                rnd.nextBytes(c);
                v.write(size / 3 / Pool.BLOCK_SIZE * Pool.BLOCK_SIZE, c);
            } else {
                byte[] b = new byte[Pool.BLOCK_SIZE];
                long stride = size / Pool.BLOCK_SIZE / 4096;
                for (int i = 0; i < 4096; i++) {
                    rnd.nextBytes(b);
                    v.write(i * stride * Pool.BLOCK_SIZE, b);
                }
            }
            after = p.snapshot("v", "after");
        }
    }

    @Setup(Level.Iteration)
    public void reopen() {
        if (pool != null) {
            pool.close();
        }
        pool = Pool.open(dir);
    }

    @Benchmark
    public SnapshotDiff diff(Visited visited) {
        SnapshotDiff d = pool.diff(before.id(), after.id());
        visited.nodesVisited = d.nodesVisited();
        visited.changedBytes = d.changedBytes();
        return d;
    }

    @TearDown(Level.Trial)
    public void close() {
        pool.close();
        BenchDirs.delete(dir);
    }

    static long parse(String s) {
        long unit = s.endsWith("G") ? 1L << 30 : 1L << 20;
        return Long.parseLong(s.substring(0, s.length() - 1)) * unit;
    }
}
