package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * Sequential 1 MiB writes of 512 MiB into a fresh volume, made durable at the end, against a plain
 * {@link FileChannel} writing and fsyncing the same bytes on the same disk. One invocation is one
 * whole run; MB/s = 512 / seconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 7)
@Fork(
        value = 1,
        jvmArgs = {"-Xmx2g"})
public class SequentialWriteBenchmark {
    static final int MIB = 1 << 20;
    static final int TOTAL_MIB = 512;

    @Param({"pool", "filechannel"})
    public String target;

    private final byte[][] chunks = new byte[64][];
    private Pool pool;
    private Volume volume;
    private FileChannel channel;
    private Path dir;

    @Setup(Level.Trial)
    public void data() {
        Random rnd = new Random(1);
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new byte[MIB];
            rnd.nextBytes(chunks[i]);
        }
    }

    @Setup(Level.Invocation)
    public void open() throws IOException {
        dir = BenchDirs.fresh("seq-" + target);
        if (target.equals("pool")) {
            pool = Pool.create(dir);
            volume = pool.createVolume("v", (long) TOTAL_MIB * MIB);
        } else {
            Files.createDirectories(dir);
            channel =
                    FileChannel.open(
                            dir.resolve("plain.dat"),
                            StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE);
        }
    }

    @Benchmark
    public void write512MiB() throws IOException {
        for (int i = 0; i < TOTAL_MIB; i++) {
            byte[] chunk = chunks[i % chunks.length];
            if (pool != null) {
                volume.write((long) i * MIB, chunk);
            } else {
                ByteBuffer b = ByteBuffer.wrap(chunk);
                long pos = (long) i * MIB;
                while (b.hasRemaining()) {
                    pos += channel.write(b, pos);
                }
            }
        }
        if (pool != null) {
            pool.sync();
        } else {
            channel.force(false);
        }
    }

    @TearDown(Level.Invocation)
    public void close() throws IOException {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        BenchDirs.delete(dir);
    }
}
