package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against a real {@code exoclone serve} process: each case ends or refuses only its own
 * connection, a real client (nbdinfo) still reads a volume after it, and the pool passes {@code
 * check} at the end.
 */
class BadInputITCase {
    private static final long SIZE = 8 << 20;

    @TempDir static Path tmp;
    private static Path poolDir;
    private static ServeProcess serve;

    @BeforeAll
    static void serve() throws Exception {
        Tools.require("nbdinfo", "qemu-io");
        poolDir = tmp.resolve("pool");
        try (Pool pool = Pool.create(poolDir)) {
            pool.createVolume("vm1", SIZE).write(0, new byte[] {42});
            pool.snapshot("vm1", "base");
        }
        serve = ServeProcess.start(poolDir, null);
    }

    @AfterEach
    void othersAreStillServed() throws Exception {
        assertThat(serve.alive()).as(serve.stderr()).isTrue();
        Tools.run("qemu-io", "-r", "-f", "raw", "-c", "read -P 42 0 1", serve.uri("vm1")).ok();
    }

    @AfterAll
    static void stop() throws Exception {
        if (serve != null) {
            assertThat(serve.stop()).as(serve.stderr()).isZero();
            Tools.cli("--pool", poolDir.toString(), "check").ok();
        }
    }

    private static TestNbdClient client() throws Exception {
        return TestNbdClient.connect(serve.address());
    }

    @Test
    void malformedAndTruncatedHandshakes() throws Exception {
        try (TestNbdClient c = client()) {
            c.handshake(0xffffffff); // unknown client flags
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client()) {
            c.handshake(0); // an old, non-fixed newstyle client
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client()) {
            c.readRaw(18);
            c.sendRaw(new byte[] {0, 0}); // half the client flags, then gone
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendRaw(Bytes.of("0102030405060708 00000007 00000000")); // not IHAVEOPT
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendRaw(Bytes.of("49484156454f5054 00000007 00000100 0000")); // option cut short
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendRaw(Bytes.of("49484156454f5054 00000007 7fffffff")); // 2 GiB of option data
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(serve.stderr()).contains("broke the protocol");
    }

    @Test
    void unknownOptionsAndExportNamesAreRefused() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            assertThat(c.option(0x1234, "junk".getBytes()).get(0).type())
                    .isEqualTo(OptionReply.ERR_UNSUP);
            assertThat(c.go("no-such-volume").error()).isEqualTo(OptionReply.ERR_UNKNOWN);
            assertThat(c.go("vm1").error()).isZero(); // the same connection goes on
            assertThat(c.read(0, 1).data()).containsExactly(42);
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendOption(OptionRequest.EXPORT_NAME, "no-such-volume".getBytes());
            assertThat(c.closedByServer()).isTrue(); // the protocol's only answer
        }
        Tools.Result r = Tools.run("nbdinfo", serve.uri("no-such-volume"));
        assertThat(r.exit()).isNotZero();
    }

    @Test
    void requestsPastTheEndOverTheLimitOrToAReadOnlyExportGetErrors() throws Exception {
        try (TestNbdClient c = client().handshake().structuredReplies()) {
            c.go("vm1");
            assertThat(c.read(SIZE - 10, 11).error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.write(SIZE, new byte[1], 0).error()).isEqualTo(NbdError.ENOSPC.code());
            TestNbdClient.Reply big = c.read(0, (32 << 20) + 512);
            assertThat(big.error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(c.write(0, new byte[(32 << 20) + 512], 0).error())
                    .isEqualTo(NbdError.EINVAL.code());
            assertThat(c.read(0, 1).data()).containsExactly(42);
        }
        try (TestNbdClient c = client().handshake().structuredReplies()) {
            c.go("vm1@base");
            TestNbdClient.Reply w = c.write(0, new byte[] {1}, Request.FLAG_FUA);
            assertThat(w.error()).isEqualTo(NbdError.EPERM.code());
            assertThat(w.message()).contains("read-only");
            assertThat(c.read(0, 1).data()).containsExactly(42);
        }
    }

    @Test
    void aClientGoneInTheMiddleOfAWriteWritesNothing() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            c.go("vm1");
            byte[] header =
                    java.nio.ByteBuffer.allocate(28)
                            .putInt(Request.MAGIC)
                            .putShort((short) 0)
                            .putShort((short) Request.WRITE)
                            .putLong(7)
                            .putLong(1 << 20)
                            .putInt(1 << 20)
                            .array();
            c.sendRaw(header);
            byte[] part = new byte[100_000];
            java.util.Arrays.fill(part, (byte) 0x77);
            c.sendRaw(part);
        }
        Thread.sleep(200);
        Tools.run("qemu-io", "-r", "-f", "raw", "-c", "read -P 0 1048576 1048576", serve.uri("vm1"))
                .ok();
        assertThat(serve.stderr()).contains("closed in the middle of a message");
    }

    @Test
    void twoHundredIdleConnectionsDoNotStopOthers() throws Exception {
        List<TestNbdClient> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                TestNbdClient c = client().handshake();
                assertThat(c.go(i % 2 == 0 ? "vm1" : "vm1@base").error()).isZero();
                idle.add(c);
            }
            // A real client is served meanwhile, writes and flushes.
            Tools.run(
                            "qemu-io",
                            "-f",
                            "raw",
                            "-c",
                            "write -P 9 4096 4096",
                            "-c",
                            "flush",
                            serve.uri("vm1"))
                    .ok();
            for (TestNbdClient c : idle) {
                assertThat(c.read(0, 1).data()).containsExactly(42);
            }
            assertThat(idle.get(0).read(4096, 1).data()).containsExactly(9);
        } finally {
            for (TestNbdClient c : idle) {
                c.close();
            }
        }
    }
}
