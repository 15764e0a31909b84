package io.exoclone.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.ExitCodes;
import io.exoclone.engine.Pool;
import io.exoclone.server.Cli;
import io.exoclone.server.CliProcess;
import io.exoclone.server.PoolService;
import io.exoclone.server.Served;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a pool that a real {@code exoclone serve} process holds: binary pipes, relative
 * paths, Ctrl-C and killed clients, concurrent clients, what a snapshot sees, a killed service's
 * stale socket, who may connect.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServeControlITCase {
    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir Path tmp;
    private Path pool;
    private Cli cli;

    @BeforeEach
    void pool() {
        pool = tmp.resolve("pool");
        cli = new Cli(pool);
        ok(cli.run("pool", "init", pool.toString()));
        ok(cli.run("volume", "create", "vm1", "--size", "64M"));
    }

    @Test
    void binaryDataThroughRealPipesAndAClosedStdout() throws Exception {
        Path in = tmp.resolve("in.bin");
        byte[] data = new byte[(5 << 20) + 17];
        new Random(5).nextBytes(data);
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i; // every byte value, \r, \n, 0 and 0xff included
        }
        Files.write(in, data);
        try (Served s = Served.start(pool)) {
            String exo = String.join(" ", CliProcess.command("--pool", pool.toString()));
            String script =
                    "set -u\n"
                            + ("cat '" + in + "' | " + exo + " write vm1 --offset 12345\n")
                            + "echo write=$?\n"
                            + (exo
                                    + " read vm1 --offset 12345 --length "
                                    + data.length
                                    + " > '"
                                    + tmp.resolve("out.bin")
                                    + "'\n")
                            + "echo read=$?\n"
                            + (exo + " read vm1 | head -c 100 > /dev/null\n")
                            + "echo head=${PIPESTATUS[0]}\n";
            Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(out).contains("write=0", "read=0", "head=141");
            assertThat(Files.readAllBytes(tmp.resolve("out.bin"))).isEqualTo(data);
            assertThat(ok(cli.run("check")).out()).contains("is healthy");
            s.stop();
        }
    }

    @Test
    void relativePathsAreTheClientsWorkingDirectory() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        byte[] data = new byte[70_000];
        new Random(9).nextBytes(data);
        Files.write(work.resolve("rel.bin"), data);
        try (Served s = Served.start(pool)) {
            String p = pool.toString();
            exit(0, CliProcess.start(work, "--pool", p, "write", "vm1", "--from", "rel.bin"));
            exit(0, CliProcess.start(work, "--pool", p, "snapshot", "vm1", "--tag", "t"));
            exit(
                    0,
                    CliProcess.start(
                            work,
                            "--pool",
                            p,
                            "read",
                            "vm1@t",
                            "--length",
                            "70000",
                            "--to",
                            "out.bin"));
            exit(0, CliProcess.start(work, "--pool", p, "export", "vm1@t", "--to", "t.exo"));
            assertThat(Files.readAllBytes(work.resolve("out.bin"))).isEqualTo(data);
            assertThat(work.resolve("t.exo")).isRegularFile();
            s.stop();
        }
    }

    @Test
    void ctrlCAndAKilledClientStopTheCommandAndNothingElse() throws Exception {
        try (Served s = Served.start(pool)) {
            // Ctrl-C of a write that waits for more input: exit 130, the service goes on.
            try (CliProcess w = CliProcess.start("--pool", pool.toString(), "write", "vm1")) {
                OutputStream stdin = w.stdin();
                stdin.write(new byte[1 << 20]);
                stdin.write(new byte[] {1, 2, 3});
                stdin.flush();
                Thread.sleep(1500);
                w.interrupt();
                assertThat(w.waitFor(EXIT)).as("%s", w).isEqualTo(ExitCodes.INTERRUPTED);
                assertThat(w.stderr()).isEmpty();
            }
            // kill -9 of a client in the middle of its input.
            try (CliProcess w = CliProcess.start("--pool", pool.toString(), "write", "vm1")) {
                w.stdin().write(new byte[3 << 20]);
                w.stdin().flush();
                Thread.sleep(1000);
                w.kill();
            }
            assertThat(ok(cli.run("check")).out()).contains("is healthy");
            byte[] after = new byte[] {9, 9, 9};
            ok(cli.run(after, "write", "vm1", "--offset", "7"));
            assertThat(ok(cli.run("read", "vm1", "--offset", "7", "--length", "3")).stdout())
                    .isEqualTo(after);
            s.stop();
        }
    }

    @Test
    void concurrentClientsEachSeeTheirOwnWrites() throws Exception {
        try (Served s = Served.start(pool)) {
            ExecutorService clients = Executors.newFixedThreadPool(4);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                done.add(
                        clients.submit(
                                () -> {
                                    for (int i = 0; i < 8; i++) {
                                        byte[] b = pattern(client, i, 40_000);
                                        long at = ((client * 8L + i) << 16) + client;
                                        ok(cli.run(b, "write", "vm1", "--offset", "" + at));
                                        Cli.Result r =
                                                ok(
                                                        cli.run(
                                                                "read",
                                                                "vm1",
                                                                "--offset",
                                                                "" + at,
                                                                "--length",
                                                                "40000"));
                                        assertThat(r.stdout()).isEqualTo(b);
                                        ok(cli.run("log", "vm1"));
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : done) {
                f.get(3, TimeUnit.MINUTES);
            }
            clients.shutdown();
            s.stop();
        }
        try (Pool p = Pool.open(pool)) {
            for (int c = 0; c < 4; c++) {
                for (int i = 0; i < 8; i++) {
                    long at = ((c * 8L + i) << 16) + c;
                    assertThat(p.volume("vm1").read(at, 40_000)).isEqualTo(pattern(c, i, 40_000));
                }
            }
            assertThat(p.check().ok()).isTrue();
        }
    }

    @Test
    void aSnapshotHoldsExactlyTheWritesAcknowledgedBeforeIt() throws Exception {
        int writers = 2;
        int perWriter = 1000; // at most: the writers stop soon after the snapshot
        long[][] started = new long[writers][perWriter];
        long[][] acked = new long[writers][perWriter];
        int[] count = new int[writers];
        java.util.concurrent.atomic.AtomicBoolean stop =
                new java.util.concurrent.atomic.AtomicBoolean();
        String snapshot;
        long before;
        long after;
        try (Served s = Served.start(pool)) {
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < perWriter && !stop.get(); i++) {
                                        started[writer][i] = System.nanoTime();
                                        ok(
                                                cli.run(
                                                        marker(writer, i),
                                                        "write",
                                                        "vm1",
                                                        "--offset",
                                                        "" + block(writer, i) * 4096));
                                        acked[writer][i] = System.nanoTime();
                                        count[writer] = i + 1;
                                    }
                                    return null;
                                }));
            }
            Thread.sleep(1500);
            before = System.nanoTime();
            snapshot = ok(cli.run("snapshot", "vm1")).lastLine();
            after = System.nanoTime();
            // Keep writing for a moment, so that some writes surely start after the snapshot.
            Thread.sleep(500);
            stop.set(true);
            for (Future<?> f : done) {
                f.get(3, TimeUnit.MINUTES);
            }
            pool.shutdown();
            s.stop();
        }
        int in = 0;
        int out = 0;
        try (Pool p = Pool.open(pool)) {
            java.util.UUID id = p.resolveSnapshot(snapshot).id();
            for (int w = 0; w < writers; w++) {
                boolean gap = false;
                for (int i = 0; i < perWriter; i++) {
                    byte[] got = p.read(id, block(w, i) * 4096, 4096);
                    boolean present = Arrays.equals(got, marker(w, i));
                    if (i >= count[w]) {
                        assertThat(present).as("write %d/%d never made", w, i).isFalse();
                    } else {
                        if (acked[w][i] < before) {
                            assertThat(present)
                                    .as("write %d/%d acknowledged before", w, i)
                                    .isTrue();
                        }
                        if (started[w][i] > after) {
                            assertThat(present).as("write %d/%d started after", w, i).isFalse();
                        }
                    }
                    assertThat(!present || !gap).as("writer %d's writes are a prefix", w).isTrue();
                    gap |= !present;
                    if (present) {
                        in++;
                    } else if (i < count[w]) {
                        out++;
                    }
                }
            }
        }
        assertThat(in).as("the snapshot was taken while clients wrote").isPositive();
        assertThat(out).as("writes made after the snapshot, not in it").isPositive();
    }

    @Test
    void aKilledServicesSocketIsStaleAndTheNextOneReplacesIt() throws Exception {
        try (Served s = Served.start(pool)) {
            ok(cli.run("snapshot", "vm1", "--tag", "one"));
            s.kill();
        }
        assertThat(ControlSocket.path(pool)).as("left behind by kill -9").exists();
        long t0 = System.nanoTime();
        Cli.Result log = ok(cli.run("log", "vm1"));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(log.out()).contains("vm1@one");
        try (Served s = Served.start(pool)) {
            assertThat(ok(cli.run("log", "vm1")).out()).contains("vm1@one");
            s.stop();
        }
        assertThat(ControlSocket.path(pool)).as("removed by a clean stop").doesNotExist();
    }

    @Test
    void aServiceThatDoesNotAnswerIsReportedNotWaitedFor() throws Exception {
        try (Served s = Served.start(pool)) {
            s.process().signal("STOP");
            try {
                long t0 = System.nanoTime();
                Cli.Result r = cli.run("log");
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .isLessThan(Duration.ofSeconds(30));
                assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.LOCKED);
                assertThat(r.err())
                        .startsWith(
                                "exoclone: Pool "
                                        + pool
                                        + " is served, but its control socket "
                                        + ControlSocket.path(pool)
                                        + " did not answer within 10 s");
            } finally {
                s.process().signal("CONT");
            }
            assertThat(ok(cli.run("log")).out()).isNotEmpty();
            s.stop();
        }
    }

    @Test
    void stoppingTheServiceEndsTheCommandsItRuns() throws Exception {
        Served s = Served.start(pool);
        try (s;
                CliProcess w = CliProcess.start("--pool", pool.toString(), "write", "vm1")) {
            w.stdin().write(new byte[100_000]);
            w.stdin().flush();
            Thread.sleep(1500);
            s.stop(); // SIGTERM: exit 0 while the write still waits for input
            assertThat(w.waitFor(EXIT)).as("%s", w).isEqualTo(ExitCodes.INTERRUPTED);
        }
        assertThat(ControlSocket.path(pool)).doesNotExist();
        try (Pool p = Pool.open(pool)) {
            assertThat(p.check().ok()).isTrue();
        }
    }

    @Test
    void oneServicePerPoolAndOnlyItsUserMayConnect() throws Exception {
        try (Served s = Served.start(pool)) {
            Path socket = ControlSocket.path(pool);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)))
                    .isEqualTo("rw-------");
            Cli.Result second = cli.run("serve", "--listen", "127.0.0.1:0");
            assertThat(second.code()).as("%s", second).isEqualTo(ExitCodes.LOCKED);
            assertThat(second.err())
                    .isEqualTo(
                            "exoclone: Pool "
                                    + pool
                                    + " is served by exoclone serve (pid "
                                    + s.pid()
                                    + "); only one process may hold a pool, stop it first\n");

            // Even through a socket opened to everyone, another user is refused by its
            // credentials. Trying it takes root (runuser) and python3, as on the build machines.
            if (!System.getProperty("user.name").equals("root")
                    || !Files.isExecutable(Path.of("/usr/sbin/runuser"))
                    || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
                s.stop();
                return;
            }
            for (Path d = pool; d != null; d = d.getParent()) {
                if (d.equals(tmp)) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x"));
                    break;
                }
            }
            Files.setPosixFilePermissions(pool, PosixFilePermissions.fromString("rwx--x--x"));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
            String py =
                    "import socket,struct\n"
                            + "s=socket.socket(socket.AF_UNIX)\n"
                            + "s.connect('"
                            + socket
                            + "')\n"
                            + "d=b''\n"
                            + "while True:\n"
                            + "  c=s.recv(4096)\n"
                            + "  if not c: break\n"
                            + "  d+=c\n"
                            + "print(d[0], d[13:].decode())\n";
            Process p =
                    new ProcessBuilder("runuser", "-u", "nobody", "--", "python3", "-c", py)
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(out).startsWith("69 Refused user nobody");
            assertThat(s.process().stderr()).contains("Refused user nobody");
            s.stop();
        }
    }

    @Test
    void aVolumeInUseCannotBeRemoved() throws Exception {
        StringWriter log = new StringWriter();
        try (Pool p = Pool.open(pool);
                PoolService service = new PoolService(p, new PrintWriter(log, true))) {
            service.add(ControlServer.start(service));
            Pool.Lease lease = p.leaseVolume("vm1", "NBD connection 127.0.0.1:40312");
            Cli.Result rm = cli.run("rm", "vm1");
            assertThat(rm.code()).as("%s", rm).isEqualTo(ExitCodes.LOCKED);
            assertThat(rm.err())
                    .isEqualTo(
                            "exoclone: Volume 'vm1' is in use by NBD connection 127.0.0.1:40312"
                                    + " and cannot be deleted now; disconnect it first\n");
            assertThat(ok(cli.run("volume", "list")).out()).startsWith("vm1 ");
            lease.close();
            assertThat(ok(cli.run("rm", "vm1")).out()).isEqualTo("Deleted volume 'vm1'\n");
        }
    }

    private static Cli.Result ok(Cli.Result r) {
        assertThat(r.code()).as("%s", r).isZero();
        return r;
    }

    private static void exit(int code, CliProcess p) throws Exception {
        try (p) {
            assertThat(p.waitFor(EXIT)).as("%s", p).isEqualTo(code);
        }
    }

    private static long block(int writer, int i) {
        return writer * 1000L + i;
    }

    private static byte[] marker(int writer, int i) {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) (1 + writer * 100 + i % 100)); // never 0: never an unwritten block
        java.nio.ByteBuffer.wrap(b).putInt(writer).putInt(i);
        return b;
    }

    private static byte[] pattern(int client, int i, int n) {
        byte[] b = new byte[n];
        new Random(client * 31L + i).nextBytes(b);
        return b;
    }
}
