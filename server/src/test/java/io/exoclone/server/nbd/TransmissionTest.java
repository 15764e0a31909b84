package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.InUseException;
import io.exoclone.engine.Pool;
import io.exoclone.server.ListenAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands against a real server on loopback: data, errors, leases, block status. */
class TransmissionTest {
    private static final int SIZE = 4 << 20;
    private static final int BS = Pool.BLOCK_SIZE;

    @TempDir Path tmp;
    private Pool pool;
    private NbdServer server;
    private final StringWriter log = new StringWriter();

    @BeforeEach
    void start() {
        pool = Pool.create(tmp.resolve("p"));
        pool.createVolume("vm1", SIZE);
        server =
                NbdServer.start(
                        pool,
                        new ListenAddress("127.0.0.1", 0),
                        tmp.resolve("nbd.sock"),
                        new PrintWriter(log, true));
    }

    @AfterEach
    void stop() {
        server.close();
        assertThat(pool.check().problems()).isEmpty();
        pool.close();
    }

    private TestNbdClient open(String export, boolean structured) throws Exception {
        TestNbdClient c = TestNbdClient.connect(server.tcpAddress()).handshake();
        if (structured) {
            c.structuredReplies();
            c.option(
                    OptionRequest.SET_META_CONTEXT,
                    TestNbdClient.metaContextData(export, "base:allocation"));
        }
        assertThat(c.go(export).error()).isZero();
        return c;
    }

    @Test
    void unalignedWritesReadBackInSimpleAndStructuredReplies() throws Exception {
        byte[] data = new byte[10_000];
        new Random(1).nextBytes(data);
        try (TestNbdClient c = open("vm1", false)) {
            assertThat(c.write(4093, data, 0).error()).isZero();
            assertThat(c.read(4093, data.length).data()).isEqualTo(data);
            assertThat(c.read(0, 4093).data()).containsOnly(0);
            assertThat(c.read(0, 0).data()).isEmpty();
        }
        try (TestNbdClient c = open("vm1", true)) {
            assertThat(c.read(4093, data.length).data()).isEqualTo(data);
            assertThat(c.read(0, 0).error()).isZero();
        }
        assertThat(pool.volume("vm1").read(4093, data.length)).isEqualTo(data);
    }

    @Test
    void badRequestsGetTheProtocolsErrorsAndTheConnectionGoesOn() throws Exception {
        try (TestNbdClient c = open("vm1", true)) {
            assertThat(c.read(SIZE - 1, 2).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.read(-4096, 1).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.write(SIZE - 1, new byte[2], 0).error()).isEqualTo(NbdError.ENOSPC.code());
            assertThat(c.command(Request.TRIM, 0, SIZE, 1).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.WRITE_ZEROES, 0, SIZE, 1).error())
                    .isEqualTo(NbdError.ENOSPC.code());
            TestNbdClient.Reply big = c.read(0, (32 << 20) + 1);
            assertThat(big.error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(big.message()).contains("maximum block size");
            // A write over the limit: its payload is skipped, the stream stays in step.
            assertThat(c.write(0, new byte[(32 << 20) + 4096], 0).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.WRITE_ZEROES, 0, 0, (32L << 20) + 1).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.CACHE, 0, 0, 1).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(42, 0, 0, 1).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.FLUSH, Request.FLAG_NO_HOLE, 0, 0).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.BLOCK_STATUS, 0, 0, 0).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.command(Request.BLOCK_STATUS, 0, SIZE, 1).error())
                    .isEqualTo(NbdError.EINVAL.code());
            // Still serving.
            assertThat(c.write(0, new byte[] {5}, Request.FLAG_FUA).error()).isZero();
            assertThat(c.read(0, 1).data()).containsExactly(5);
            c.disconnect();
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = open("vm1", false)) {
            // Without structured replies an error is a simple reply with no data.
            assertThat(c.read(SIZE, 1).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.read(0, 1).data()).containsExactly(5);
        }
    }

    @Test
    void snapshotsAreReadOnly() throws Exception {
        pool.volume("vm1").write(0, new byte[] {7});
        pool.snapshot("vm1", "base");
        try (TestNbdClient c = open("vm1@base", false)) {
            TestNbdClient.Reply w = c.write(0, new byte[] {1}, 0);
            assertThat(w.error()).isEqualTo(NbdError.EPERM.code());
            assertThat(c.command(Request.TRIM, 0, 0, BS).error()).isEqualTo(NbdError.EPERM.code());
            assertThat(c.command(Request.WRITE_ZEROES, 0, 0, BS).error())
                    .isEqualTo(NbdError.EPERM.code());
            assertThat(c.flush().error()).isZero();
            assertThat(c.read(0, 1).data()).containsExactly(7);
        }
    }

    @Test
    void blockStatusShowsHolesAndZeroingMakesThem() throws Exception {
        byte[] ones = new byte[3 * BS];
        Arrays.fill(ones, (byte) 1);
        try (TestNbdClient c = open("vm1", true)) {
            c.write(8L * BS, ones, 0);
            TestNbdClient.Reply r = c.command(Request.BLOCK_STATUS, 0, 0, SIZE);
            assertThat(r.descriptors())
                    .containsExactly(
                            new long[] {8L * BS, 3},
                            new long[] {3L * BS, 0},
                            new long[] {SIZE - 11L * BS, 3});
            assertThat(
                            c.command(
                                            Request.BLOCK_STATUS,
                                            Request.FLAG_REQ_ONE,
                                            9L * BS,
                                            SIZE - 9L * BS)
                                    .descriptors())
                    .containsExactly(new long[] {2L * BS, 0});
            assertThat(
                            c.command(
                                            Request.WRITE_ZEROES,
                                            Request.FLAG_NO_HOLE | Request.FLAG_FAST_ZERO,
                                            9L * BS,
                                            BS)
                                    .error())
                    .isZero();
            assertThat(c.command(Request.TRIM, Request.FLAG_FUA, 10L * BS + 100, BS).error())
                    .isZero();
            assertThat(c.command(Request.BLOCK_STATUS, 0, 8L * BS, 3L * BS).descriptors())
                    .containsExactly(new long[] {BS, 0}, new long[] {BS, 3}, new long[] {BS, 0});
            byte[] back = c.read(8L * BS, 3 * BS).data();
            assertThat(Arrays.copyOfRange(back, 0, BS)).containsOnly(1);
            assertThat(Arrays.copyOfRange(back, BS, 2 * BS)).containsOnly(0);
            assertThat(Arrays.copyOfRange(back, 2 * BS, 2 * BS + 100)).containsOnly(1);
            assertThat(Arrays.copyOfRange(back, 2 * BS + 100, 3 * BS)).containsOnly(0);
        }
    }

    @Test
    void aConnectionLeasesItsExportUntilItEnds() throws Exception {
        pool.snapshot("vm1", "s");
        try (TestNbdClient c = open("vm1", false);
                TestNbdClient s = open("vm1@s", false)) {
            assertThatThrownBy(() -> pool.deleteVolume("vm1"))
                    .isInstanceOf(InUseException.class)
                    .hasMessageContaining("NBD connection from 127.0.0.1:");
            assertThatThrownBy(() -> pool.deleteSnapshot(pool.resolveSnapshot("vm1@s").id()))
                    .isInstanceOf(InUseException.class);
            c.disconnect();
            s.disconnect();
            assertThat(c.closedByServer()).isTrue();
            assertThat(s.closedByServer()).isTrue();
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (server.connectionCount() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        pool.deleteSnapshot(pool.resolveSnapshot("vm1@s").id());
        pool.deleteVolume("vm1");
    }

    @Test
    void theUnixSocketServesTheSameExports() throws Exception {
        assertThat(server.describe()).endsWith("nbd+unix:///?socket=" + tmp.resolve("nbd.sock"));
        try (TestNbdClient c = TestNbdClient.connect(tmp.resolve("nbd.sock")).handshake()) {
            c.go("vm1");
            assertThat(c.write(BS, new byte[] {3}, Request.FLAG_FUA).error()).isZero();
            assertThat(c.flush().error()).isZero();
        }
        assertThat(pool.volume("vm1").read(BS, 1)).containsExactly(3);
    }

    @Test
    void closingTheServerEndsConnectionsAndCommits() throws Exception {
        TestNbdClient c = open("vm1", false);
        c.write(0, new byte[] {9}, 0);
        TestNbdClient idle = TestNbdClient.connect(server.tcpAddress()).handshake();
        server.close();
        assertThat(c.closedByServer()).isTrue();
        assertThat(idle.closedByServer()).isTrue();
        assertThat(server.connectionCount()).isZero();
        c.close();
        idle.close();
        pool.sync();
        assertThat(pool.volume("vm1").read(0, 1)).containsExactly(9);
        assertThat(java.nio.file.Files.exists(tmp.resolve("nbd.sock"))).isFalse();
    }
}
