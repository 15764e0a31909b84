package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unmodified clients (qemu-img, qemu-io, nbdinfo, nbdcopy) against a real {@code exoclone serve}
 * process, over TCP and over its Unix socket.
 */
class QemuClientsITCase {
    private static final long MIB = 1 << 20;

    @TempDir static Path tmp;
    private static Path poolDir;
    private static ServeProcess serve;

    @BeforeAll
    static void serve() throws Exception {
        Tools.require("qemu-img", "qemu-io", "nbdinfo", "nbdcopy");
        poolDir = tmp.resolve("pool");
        try (Pool pool = Pool.create(poolDir)) {
            for (String v : new String[] {"vm1", "vm3", "vm4", "vm5", "vm6"}) {
                pool.createVolume(v, 64 * MIB);
            }
            Volume vm2 = pool.createVolume("vm2", 16 * MIB);
            byte[] data = new byte[(int) (2 * MIB)];
            Arrays.fill(data, (byte) 0x5a);
            vm2.write(MIB, data);
            pool.snapshot("vm2", "base");
        }
        serve = ServeProcess.start(poolDir, tmp.resolve("nbd.sock"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            assertThat(serve.stop()).as(serve.stderr()).isZero();
            assertThat(serve.stderr()).doesNotContain("exoclone: NBD");
            Tools.cli("--pool", poolDir.toString(), "check").ok();
        }
    }

    /** A 64 MiB sparse raw image with data in two places. */
    private static Path image(String name, long seed) throws Exception {
        Path p = tmp.resolve(name);
        Random r = new Random(seed);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(64 * MIB);
            byte[] a = new byte[(int) (8 * MIB)];
            r.nextBytes(a);
            f.write(a);
            byte[] b = new byte[(int) (3 * MIB) + 1234];
            r.nextBytes(b);
            f.seek(40 * MIB - 77);
            f.write(b);
        }
        return p;
    }

    @Test
    void qemuImgConvertsARawImageIntoAVolumeAndComparesEqual() throws Exception {
        Path img = image("a.raw", 1);
        Tools.qemuImgConvert(img, serve.uri("vm1"));
        assertThat(Tools.qemuImgCompare(img, serve.uri("vm1")).ok().out())
                .contains("Images are identical");
        // And a different image is told apart.
        assertThat(Tools.qemuImgCompare(image("b.raw", 2), serve.uri("vm1")).exit()).isEqualTo(1);
    }

    @Test
    void theSameOverTheUnixSocket() throws Exception {
        Path img = image("c.raw", 3);
        Tools.qemuImgConvert(img, serve.unixUri("vm3"));
        assertThat(Tools.qemuImgCompare(img, serve.unixUri("vm3")).ok().out())
                .contains("Images are identical");
    }

    @Test
    void qemuIoWritesAndReadsBackUnalignedPatterns() throws Exception {
        Tools.Result w =
                Tools.run(
                                "qemu-io",
                                "-f",
                                "raw",
                                "-c",
                                "write -P 0x11 1 4095",
                                "-c",
                                "write -P 0x22 4097 10000",
                                "-c",
                                "write -P 0x33 1048575 3",
                                "-c",
                                "flush",
                                serve.uri("vm4"))
                        .ok();
        assertThat(w.out()).contains("wrote 10000/10000 bytes at offset 4097");
        // A new connection, a new process: the data is there.
        Tools.Result r =
                Tools.run(
                                "qemu-io",
                                "-r",
                                "-f",
                                "raw",
                                "-c",
                                "read -P 0x11 1 4095",
                                "-c",
                                "read -P 0x22 4097 10000",
                                "-c",
                                "read -P 0x33 1048575 3",
                                "-c",
                                "read -P 0 0 1",
                                "-c",
                                "read -P 0 4096 1",
                                "-c",
                                "read -P 0 14097 100000",
                                serve.uri("vm4"))
                        .ok();
        assertThat(r.out()).doesNotContain("failed").contains("read 3/3 bytes at offset 1048575");
        Tools.Result wrong =
                Tools.run(
                        "qemu-io",
                        "-r",
                        "-f",
                        "raw",
                        "-c",
                        "read -P 0x11 4096 1",
                        serve.uri("vm4"));
        assertThat(wrong.out() + wrong.err()).contains("Pattern verification failed");
    }

    @Test
    void aSnapshotExportIsReadOnly() throws Exception {
        Tools.Result w =
                Tools.run("qemu-io", "-f", "raw", "-c", "write -P 1 0 512", serve.uri("vm2@base"));
        assertThat(w.exit()).isNotZero();
        assertThat(w.err()).containsIgnoringCase("denied");
        Tools.run(
                        "qemu-io",
                        "-r",
                        "-f",
                        "raw",
                        "-c",
                        "read -P 0x5a 1048576 2097152",
                        serve.uri("vm2@base"))
                .ok();
        Tools.Result info = Tools.run("nbdinfo", serve.uri("vm2@base")).ok();
        assertThat(info.out()).contains("is_read_only: true");
    }

    @Test
    void nbdinfoListsExportsAndMapsTheHolesOfAThinVolume() throws Exception {
        Tools.Result list = Tools.run("nbdinfo", "--list", serve.uri("")).ok();
        assertThat(list.out())
                .contains("export=\"vm1\"", "export=\"vm2\"", "export=\"vm2@base\"")
                .contains("read-only")
                .contains("base:allocation");
        Tools.Result map = Tools.run("nbdinfo", "--map", serve.uri("vm2")).ok();
        assertThat(map.out().strip().lines().map(l -> l.strip().replaceAll("\\s+", " ")))
                .containsExactly(
                        "0 1048576 3 hole,zero",
                        "1048576 2097152 0 data",
                        "3145728 13631488 3 hole,zero");
    }

    @Test
    void fourFioJobsOnFourConnectionsWriteAndVerifyOneVolume() throws Exception {
        Tools.require("fio");
        Tools.Result r =
                Tools.run(
                                java.time.Duration.ofMinutes(3),
                                java.util.List.of(
                                        "fio",
                                        "--name=multi",
                                        "--ioengine=nbd",
                                        "--uri=" + serve.uri("vm6"),
                                        "--numjobs=4",
                                        "--size=4m",
                                        "--offset_increment=4m",
                                        "--rw=randwrite",
                                        "--bs=4k",
                                        "--iodepth=8",
                                        "--fsync=32",
                                        "--verify=crc32c",
                                        "--verify_state_save=0",
                                        "--group_reporting"))
                        .ok();
        assertThat(r.out()).contains("err= 0").doesNotContain("verify:");
        // The four regions are there, every block written.
        Tools.Result map = Tools.run("nbdinfo", "--map", serve.uri("vm6")).ok();
        assertThat(map.out().strip().lines().findFirst().orElse(""))
                .matches("\\s*0\\s+16777216\\s+0\\s+data");
    }

    @Test
    void nbdcopyCopiesInAndOut() throws Exception {
        Path img = image("d.raw", 4);
        Tools.run("nbdcopy", img.toString(), serve.uri("vm5")).ok();
        Path back = tmp.resolve("d.back");
        Tools.run("nbdcopy", serve.uri("vm5"), back.toString()).ok();
        assertThat(Files.mismatch(img, back)).isEqualTo(-1L);
        // nbdcopy asked for the holes and skipped them: the copy out is sparse.
        long allocated =
                Long.parseLong(Tools.run("stat", "-c", "%b", back.toString()).ok().out().strip())
                        * 512;
        assertThat(allocated).isLessThan(16 * MIB);
        Tools.Result map = Tools.run("nbdinfo", "--map", serve.uri("vm5")).ok();
        assertThat(map.out()).contains("hole,zero").contains("data");
    }
}
