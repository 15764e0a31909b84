package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.server.ListenAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool on a small tmpfs that fills up under NBD writes: the failing write gets ENOSPC, and since
 * the pool then discarded its open transaction, the acknowledged but unflushed writes are gone: the
 * next flush of every connection that was open says EIO rather than report them durable. Flushed
 * data stays, and the pool passes check.
 */
class DiskFullITCase {
    @TempDir Path tmp;
    private Path mount;

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            Tools.run("umount", mount.toString());
        }
    }

    @Test
    void writesLostToAFullDiskAreNeverReportedDurable() throws Exception {
        mount = Files.createDirectories(tmp.resolve("small"));
        Tools.Result m =
                Tools.run("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", mount.toString());
        if (m.exit() != 0) {
            mount = null;
            throw new AssertionError("This test mounts a 24 MiB tmpfs and needs root: " + m.err());
        }
        StringWriter log = new StringWriter();
        byte[] chunk = new byte[1 << 20];
        Random random = new Random(5);
        try (Pool pool = Pool.create(mount.resolve("p"))) {
            pool.createVolume("vm1", 256L << 20);
            NbdServer server =
                    NbdServer.start(
                            pool,
                            new ListenAddress("127.0.0.1", 0),
                            null,
                            new PrintWriter(log, true));
            try (TestNbdClient a = TestNbdClient.connect(server.tcpAddress()).handshake();
                    TestNbdClient bystander =
                            TestNbdClient.connect(server.tcpAddress()).handshake()) {
                a.go("vm1");
                bystander.go("vm1");
                random.nextBytes(chunk);
                assertThat(a.write(0, chunk, 0).error()).isZero();
                assertThat(a.flush().error()).isZero(); // durable
                byte[] first = chunk.clone();
                int error = 0;
                long offset = chunk.length;
                while (error == 0 && offset < (256L << 20)) {
                    random.nextBytes(chunk);
                    error = a.write(offset, chunk, 0).error();
                    offset += chunk.length;
                }
                assertThat(error).isEqualTo(NbdError.ENOSPC.code());
                TestNbdClient.Reply lost = a.flush();
                assertThat(lost.error()).isEqualTo(NbdError.EIO.code());
                assertThat(a.flush().error())
                        .as("and every later flush")
                        .isEqualTo(NbdError.EIO.code());
                assertThat(bystander.flush().error()).isEqualTo(NbdError.EIO.code());
                try (TestNbdClient fresh = TestNbdClient.connect(server.tcpAddress()).handshake()) {
                    fresh.go("vm1");
                    assertThat(fresh.flush().error()).isZero();
                    assertThat(fresh.read(0, first.length).data()).isEqualTo(first);
                    assertThat(fresh.read(first.length, 4096).data()).containsOnly(0);
                }
            } finally {
                server.close();
            }
            assertThat(pool.check().problems()).isEmpty();
        }
        assertThat(log.toString()).contains("failed (ENOSPC)").contains("No space left");
    }
}
