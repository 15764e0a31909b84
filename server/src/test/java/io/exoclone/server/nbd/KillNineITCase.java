package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of {@code exoclone serve} while fio writes with a flush every 8 writes: after a restart
 * every write fio saw acknowledged before an answered flush verifies, and the pool passes {@code
 * check}.
 *
 * <p>fio writes sequentially with one request in flight, so its flushes are ordered with its
 * writes: flush k follows write 8k and the write after it is only sent once flush k is answered. So
 * when fio logged W completed writes, the flushes answered cover at least the first {@code 8 *
 * floor((W - 1) / 8)}.
 */
class KillNineITCase {
    private static final int EVERY = 8;

    @TempDir Path tmp;

    @Test
    void everyFlushedWriteSurvivesSigkill() throws Exception {
        Tools.require("fio");
        Path poolDir = tmp.resolve("pool");
        try (Pool pool = Pool.create(poolDir)) {
            pool.createVolume("vm1", 64L << 20);
        }
        Path latLog = tmp.resolve("fio");
        List<String> job =
                List.of(
                        "fio",
                        "--name=crash",
                        "--ioengine=nbd",
                        "--rw=write",
                        "--bs=4k",
                        "--iodepth=1",
                        "--verify=crc32c",
                        "--verify_state_save=0");
        try (ServeProcess serve = ServeProcess.start(poolDir, null)) {
            List<String> write = new java.util.ArrayList<>(job);
            write.addAll(
                    List.of(
                            "--uri=" + serve.uri("vm1"),
                            "--size=64m",
                            "--rate_iops=2000",
                            "--fsync=" + EVERY,
                            "--do_verify=0",
                            "--write_lat_log=" + latLog,
                            "--log_offset=1"));
            Process fio =
                    new ProcessBuilder(write)
                            .redirectErrorStream(true)
                            .redirectOutput(tmp.resolve("fio.out").toFile())
                            .start();
            try {
                // Kill once fio wrote 4 MiB (1024 writes), however fast the machine is.
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
                while (dataBytes(poolDir) < (4L << 20) && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(fio.isAlive()).as("fio still writing when serve is killed").isTrue();
                serve.kill();
                if (!fio.waitFor(30, TimeUnit.SECONDS)) {
                    // fio has not given up on the dead connection yet: stop it as Ctrl-C does,
                    // which still writes its latency log.
                    new ProcessBuilder("kill", "-INT", Long.toString(fio.pid())).start().waitFor();
                    assertThat(fio.waitFor(60, TimeUnit.SECONDS))
                            .as("fio stopped: %s", Files.readString(tmp.resolve("fio.out")))
                            .isTrue();
                }
                assertThat(fio.exitValue()).as("fio saw the server go").isNotZero();
            } finally {
                fio.destroyForcibly();
            }
        }
        long completed =
                Files.readAllLines(tmp.resolve("fio_lat.1.log")).stream()
                        .filter(l -> l.split(",\\s*")[2].equals("1"))
                        .count();
        long flushed = EVERY * ((completed - 1) / EVERY);
        assertThat(flushed).as("writes covered by an answered flush").isGreaterThan(500);

        Tools.cli("--pool", poolDir.toString(), "check").ok();
        try (ServeProcess serve = ServeProcess.start(poolDir, null)) {
            List<String> verify = new java.util.ArrayList<>(job);
            verify.addAll(
                    List.of(
                            "--uri=" + serve.uri("vm1"),
                            "--size=" + flushed * 4096,
                            "--verify_only"));
            Tools.Result v = Tools.run(Duration.ofMinutes(2), verify).ok();
            assertThat(v.out()).contains("err= 0");
            assertThat(serve.stop()).isZero();
        }
    }

    @Test
    void aFlushOnOneConnectionMakesAnotherConnectionsWritesDurable() throws Exception {
        Path poolDir = tmp.resolve("multi");
        try (Pool pool = Pool.create(poolDir)) {
            pool.createVolume("vm1", 1 << 20);
        }
        byte[] data = new byte[8192];
        java.util.Arrays.fill(data, (byte) 0x3c);
        try (ServeProcess serve = ServeProcess.start(poolDir, null);
                TestNbdClient writer = TestNbdClient.connect(serve.address()).handshake();
                TestNbdClient flusher = TestNbdClient.connect(serve.address()).handshake()) {
            assertThat(writer.go("vm1").flags() & TransmissionFlags.CAN_MULTI_CONN).isNotZero();
            flusher.go("vm1");
            assertThat(writer.write(4096, data, 0).error()).isZero(); // acknowledged, no flush
            assertThat(flusher.flush().error()).isZero();
            serve.kill();
        }
        try (Pool pool = Pool.open(poolDir)) {
            assertThat(pool.volume("vm1").read(4096, data.length)).isEqualTo(data);
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    /** Bytes in the pool's data segments (written, not necessarily committed). */
    private static long dataBytes(Path pool) throws java.io.IOException {
        try (var files = Files.list(pool.resolve("segments"))) {
            long total = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                total += Files.size(p);
            }
            return total;
        }
    }
}
