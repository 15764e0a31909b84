package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.server.ListenAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio writes random blocks with checksums into a served volume while a snapshot is taken through
 * the pool (from this process, which serves the pool with the same {@link NbdServer} as {@code
 * exoclone serve}). The snapshot holds every write fio saw acknowledged before it began and none
 * fio issued after it ended; exported as an exo-clone and imported into another pool it reads back
 * byte for byte as the read-only snapshot export did; fio's own verification of the volume passes.
 */
class FioSnapshotITCase {
    private static final int BS = 4096;
    private static final long SIZE = 64L << 20;

    /** Margin around the snapshot for the millisecond clock of fio's log. */
    private static final long MARGIN_MS = 25;

    @TempDir Path tmp;

    @Test
    void aSnapshotMidRunHoldsExactlyTheAcknowledgedWrites() throws Exception {
        Tools.require("fio", "nbdcopy");
        Path poolDir = tmp.resolve("a");
        Path mid = tmp.resolve("mid.raw");
        Path last = tmp.resolve("last.raw");
        Path latLog = tmp.resolve("fio");
        long snapStart;
        long snapEnd;
        Snapshot snap;
        StringWriter log = new StringWriter();
        try (Pool pool = Pool.create(poolDir)) {
            pool.createVolume("vm1", SIZE);
            NbdServer server =
                    NbdServer.start(
                            pool,
                            new ListenAddress("127.0.0.1", 0),
                            null,
                            new PrintWriter(log, true));
            try {
                String uri = "nbd://127.0.0.1:" + server.tcpAddress().getPort() + "/vm1";
                CompletableFuture<Tools.Result> fio =
                        CompletableFuture.supplyAsync(
                                () -> {
                                    try {
                                        return Tools.run(
                                                Duration.ofMinutes(3),
                                                List.of(
                                                        "fio",
                                                        "--name=snap",
                                                        "--ioengine=nbd",
                                                        "--uri=" + uri,
                                                        "--rw=randwrite",
                                                        "--bs=4k",
                                                        "--size=32m",
                                                        "--iodepth=8",
                                                        "--rate_iops=5000",
                                                        "--verify=crc32c",
                                                        "--verify_state_save=0",
                                                        "--write_lat_log=" + latLog,
                                                        "--log_offset=1",
                                                        "--log_unix_epoch=1"));
                                    } catch (Exception e) {
                                        throw new RuntimeException(e);
                                    }
                                });
                // A quarter of fio's 8192 writes in, however fast the machine is.
                long deadline =
                        System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
                while (server.exports().writes() < 2048 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                snapStart = System.currentTimeMillis();
                snap = pool.snapshot("vm1", "mid");
                snapEnd = System.currentTimeMillis();
                assertThat(fio.get().ok().err()).doesNotContain("verify:");
                String snapUri = "nbd://127.0.0.1:" + server.tcpAddress().getPort() + "/vm1@mid";
                Tools.run("nbdcopy", snapUri, mid.toString()).ok();
                Tools.run("nbdcopy", uri, last.toString()).ok();
            } finally {
                server.close();
            }
            assertThat(pool.check().problems()).isEmpty();
        }
        assertThat(log.toString()).isEmpty();

        // What fio saw acknowledged, and when it issued each write.
        byte[] midImage = Files.readAllBytes(mid);
        byte[] lastImage = Files.readAllBytes(last);
        int before = 0;
        int after = 0;
        for (String line : Files.readAllLines(tmp.resolve("fio_lat.1.log"))) {
            String[] f = line.split(",\\s*");
            if (!f[2].equals("1")) {
                continue; // the verification's reads
            }
            long completedMs = Long.parseLong(f[0]);
            long issuedMs = completedMs - Long.parseLong(f[1]) / 1_000_000 - 1;
            int block = (int) (Long.parseLong(f[4]) / BS);
            byte[] inSnap = Arrays.copyOfRange(midImage, block * BS, block * BS + BS);
            if (completedMs < snapStart - MARGIN_MS) {
                before++;
                assertThat(inSnap)
                        .as("block %d, acknowledged before the snapshot", block)
                        .isEqualTo(Arrays.copyOfRange(lastImage, block * BS, block * BS + BS));
            } else if (issuedMs > snapEnd + MARGIN_MS) {
                after++;
                assertThat(inSnap)
                        .as("block %d, written after the snapshot", block)
                        .containsOnly(0);
            }
        }
        assertThat(before).as("writes before the snapshot").isGreaterThan(500);
        assertThat(after).as("writes after the snapshot").isGreaterThan(500);

        // The snapshot as an exo-clone, imported elsewhere, reads back the same bytes.
        Path exo = tmp.resolve("mid.exo");
        Path replica = tmp.resolve("b");
        Path back = tmp.resolve("back.raw");
        Tools.cli("--pool", poolDir.toString(), "export", "vm1@mid", "--to", exo.toString()).ok();
        Tools.cli("pool", "init", replica.toString()).ok();
        Tools.cli("--pool", replica.toString(), "import", exo.toString()).ok();
        Tools.cli(
                        "--pool",
                        replica.toString(),
                        "read",
                        snap.id().toString(),
                        "--to",
                        back.toString())
                .ok();
        assertThat(Files.mismatch(mid, back)).isEqualTo(-1L);
    }
}
