package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.ExitCodes;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Volume;
import io.exoclone.server.Cli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume or snapshot that a real NBD client has open cannot be deleted by the CLI (which reaches
 * the served pool through its control socket): exit 4 with the connection named, and deleting works
 * once the client has gone.
 */
class ExportLeasesITCase {
    private static final long MIB = 1 << 20;

    @TempDir static Path tmp;
    private static Path poolDir;
    private static ServeProcess serve;
    private static Cli cli;

    @BeforeAll
    static void serve() throws Exception {
        Tools.require("qemu-io");
        poolDir = tmp.resolve("pool");
        try (Pool pool = Pool.create(poolDir)) {
            Volume vm1 = pool.createVolume("vm1", 16 * MIB);
            byte[] data = new byte[(int) MIB];
            Arrays.fill(data, (byte) 0x33);
            vm1.write(0, data);
            pool.snapshot("vm1", "base");
            pool.createVolume("vm2", 16 * MIB);
        }
        serve = ServeProcess.start(poolDir, null);
        cli = new Cli(poolDir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            assertThat(serve.stop()).as(serve.stderr()).isZero();
            Tools.cli("--pool", poolDir.toString(), "check").ok();
        }
    }

    @Test
    void aVolumeAQemuIoClientHasOpenIsNotDeleted() throws Exception {
        try (QemuIo client = QemuIo.open(serve.uri("vm1"), false)) {
            Cli.Result rm = cli.run("rm", "vm1");
            assertThat(rm.code()).as("%s", rm).isEqualTo(ExitCodes.LOCKED);
            assertThat(rm.err())
                    .startsWith(
                            "exoclone: Volume 'vm1' is in use by NBD connection from 127.0.0.1:")
                    .endsWith(" and cannot be deleted now; disconnect it first\n");
            // The client is still served, and the volume still listed.
            assertThat(client.command("read -P 0x33 0 4096"))
                    .contains("read 4096/4096 bytes")
                    .doesNotContain("verification failed");
            assertThat(cli.run("volume", "list").out()).contains("vm1 ");
        }
        // A volume nobody has open is deleted at once; vm1 stays for the snapshot test.
        Cli.Result rm = cli.run("rm", "vm2");
        assertThat(rm.code()).as("%s", rm).isZero();
    }

    @Test
    void aSnapshotExportedReadOnlyIsNotDeletedUntilTheClientDisconnects() throws Exception {
        Cli.Result rm;
        try (QemuIo client = QemuIo.open(serve.uri("vm1@base"), true)) {
            rm = cli.run("rm", "vm1@base");
            assertThat(rm.code()).as("%s", rm).isEqualTo(ExitCodes.LOCKED);
            assertThat(rm.err()).contains("is in use by NBD connection from 127.0.0.1:");
            assertThat(client.command("read -P 0x33 4096 4096"))
                    .contains("read 4096/4096 bytes")
                    .doesNotContain("verification failed");
        }
        // The lease ends with the connection; the server may see the disconnect a moment later.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        do {
            rm = cli.run("rm", "vm1@base");
            if (rm.code() != ExitCodes.LOCKED) {
                break;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        assertThat(rm.code()).as("%s", rm).isZero();
        assertThat(cli.run("rm", "vm1@base").code()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    /** An interactive {@code qemu-io} holding one NBD connection until it is closed. */
    private static final class QemuIo implements AutoCloseable {
        private final Process process;
        private final Writer in;
        private final BufferedReader out;

        private QemuIo(Process process) {
            this.process = process;
            this.in = process.outputWriter(StandardCharsets.UTF_8);
            this.out =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8));
        }

        static QemuIo open(String uri, boolean readOnly) throws IOException {
            ProcessBuilder pb =
                    readOnly
                            ? new ProcessBuilder("qemu-io", "-r", "-f", "raw", uri)
                            : new ProcessBuilder("qemu-io", "-f", "raw", uri);
            QemuIo q = new QemuIo(pb.redirectErrorStream(true).start());
            // The first answered command proves the connection is up (and the lease taken).
            assertThat(q.command("read 0 512")).contains("read 512/512 bytes");
            return q;
        }

        /** Sends one command and returns its output, up to its timing line or its error. */
        String command(String c) throws IOException {
            in.write(c + "\n");
            in.flush();
            StringBuilder b = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                b.append(line).append('\n');
                if (line.contains(" ops; ") || line.contains("failed:")) {
                    return b.toString();
                }
            }
            throw new AssertionError("qemu-io ended: " + b);
        }

        @Override
        public void close() throws Exception {
            in.write("quit\n");
            in.flush();
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
