package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.server.ListenAddress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The handshake against a real server on a loopback port: every option, and refusals. */
class NegotiationTest {
    @TempDir Path tmp;
    private Pool pool;
    private NbdServer server;
    private final StringWriter log = new StringWriter();
    private String snapshotId;

    @BeforeEach
    void start() {
        pool = Pool.create(tmp.resolve("p"));
        pool.createVolume("vm1", 1 << 20).write(0, new byte[] {1});
        snapshotId = pool.snapshot("vm1", "base").id().toString();
        pool.snapshot("vm1", null);
        server =
                NbdServer.start(
                        pool, new ListenAddress("127.0.0.1", 0), null, new PrintWriter(log, true));
    }

    @AfterEach
    void stop() {
        server.close();
        pool.close();
    }

    private TestNbdClient client() throws Exception {
        return TestNbdClient.connect(server.tcpAddress());
    }

    @Test
    void describeNamesTheBoundPort() {
        assertThat(server.describe()).isEqualTo("nbd://127.0.0.1:" + server.tcpAddress().getPort());
    }

    @Test
    void listNamesVolumesAndSnapshots() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            List<TestNbdClient.OptionReplyFrame> r = c.option(OptionRequest.LIST, new byte[0]);
            assertThat(r).hasSize(4);
            assertThat(r.get(3).type()).isEqualTo(OptionReply.ACK);
            List<String> names =
                    r.subList(0, 3).stream()
                            .map(
                                    f -> {
                                        ByteBuffer d = ByteBuffer.wrap(f.data());
                                        byte[] n = new byte[d.getInt()];
                                        d.get(n);
                                        return new String(n, StandardCharsets.UTF_8);
                                    })
                            .toList();
            assertThat(names.get(0)).isEqualTo("vm1");
            assertThat(names.get(1)).isEqualTo("vm1@base");
            assertThat(names.get(2)).hasSize(36); // untagged: by UUID
            assertThat(r.get(1).text()).contains(snapshotId).contains("read-only");
            // With data, LIST is invalid, and the handshake goes on.
            assertThat(c.option(OptionRequest.LIST, new byte[1]).get(0).type())
                    .isEqualTo(OptionReply.ERR_INVALID);
            assertThat(c.go("vm1").size()).isEqualTo(1 << 20);
        }
    }

    @Test
    void goAnswersExportNameDescriptionAndBlockSize() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            List<TestNbdClient.OptionReplyFrame> r =
                    c.option(
                            OptionRequest.INFO,
                            TestNbdClient.infoData(
                                    snapshotId.substring(0, 8),
                                    InfoReply.NAME,
                                    InfoReply.DESCRIPTION,
                                    InfoReply.BLOCK_SIZE));
            assertThat(r)
                    .extracting(TestNbdClient.OptionReplyFrame::type)
                    .containsExactly(
                            OptionReply.INFO,
                            OptionReply.INFO,
                            OptionReply.INFO,
                            OptionReply.INFO,
                            OptionReply.ACK);
            assertThat(Bytes.hex(r.get(0).data())).isEqualTo("0000" + "0000000000100000" + "010f");
            assertThat(r.get(1).text()).isEqualTo("\0\1vm1@base"); // the canonical name
            assertThat(Bytes.hex(r.get(3).data()))
                    .isEqualTo("0003" + "00000001" + "00001000" + "02000000");
            TestNbdClient.Go go = c.go("vm1");
            assertThat(go.flags()).isEqualTo(TransmissionFlags.of(false, false));
            assertThat(c.read(0, 2).data()).containsExactly(1, 0);
        }
    }

    @Test
    void unknownOptionsAndExportsAreRefusedAndTheHandshakeGoesOn() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            TestNbdClient.OptionReplyFrame r = c.option(99, new byte[] {1, 2, 3}).get(0);
            assertThat(r.type()).isEqualTo(OptionReply.ERR_UNSUP);
            assertThat(r.option()).isEqualTo(99);
            assertThat(c.option(OptionRequest.STARTTLS, new byte[0]).get(0).type())
                    .isEqualTo(OptionReply.ERR_UNSUP);
            TestNbdClient.Go unknown = c.go("nope");
            assertThat(unknown.error()).isEqualTo(OptionReply.ERR_UNKNOWN);
            assertThat(unknown.replies().get(0).text())
                    .contains("No volume or snapshot named 'nope'");
            assertThat(c.go("").error()).isEqualTo(OptionReply.ERR_UNKNOWN);
            assertThat(c.go("vm1").error()).isZero();
        }
    }

    @Test
    void exportNamePadsUnlessNoZeroesAndClosesOnAnUnknownName() throws Exception {
        try (TestNbdClient c = client()) {
            c.handshake(Handshake.CLIENT_FIXED_NEWSTYLE);
            c.sendOption(OptionRequest.EXPORT_NAME, "vm1".getBytes());
            ByteBuffer reply = ByteBuffer.wrap(c.readRaw(134)); // size, flags, 124 zeros
            assertThat(reply.getLong()).isEqualTo(1 << 20);
            assertThat(reply.getShort()).isEqualTo((short) TransmissionFlags.of(false, false));
            assertThat(c.read(0, 1).data()).containsExactly(1); // transmission right after
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendOption(OptionRequest.EXPORT_NAME, "vm1".getBytes());
            c.readRaw(10); // no padding
            assertThat(c.read(0, 1).data()).containsExactly(1);
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendOption(OptionRequest.EXPORT_NAME, "nope".getBytes());
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(log.toString()).contains("No volume or snapshot named 'nope'");
    }

    @Test
    void metaContextsNeedStructuredRepliesAndAreBoundToTheirExport() throws Exception {
        try (TestNbdClient c = client().handshake()) {
            byte[] q = TestNbdClient.metaContextData("vm1", "base:allocation");
            assertThat(c.option(OptionRequest.SET_META_CONTEXT, q).get(0).type())
                    .isEqualTo(OptionReply.ERR_INVALID);
            c.structuredReplies();
            List<TestNbdClient.OptionReplyFrame> list =
                    c.option(OptionRequest.LIST_META_CONTEXT, TestNbdClient.metaContextData("vm1"));
            assertThat(Bytes.hex(list.get(0).data()))
                    .isEqualTo("00000000" + Bytes.hex("base:allocation".getBytes()));
            List<TestNbdClient.OptionReplyFrame> set = c.option(OptionRequest.SET_META_CONTEXT, q);
            assertThat(set).hasSize(2);
            assertThat(Bytes.hex(set.get(0).data()))
                    .isEqualTo("00000001" + Bytes.hex("base:allocation".getBytes()));
            assertThat(
                            c.option(
                                            OptionRequest.SET_META_CONTEXT,
                                            TestNbdClient.metaContextData(
                                                    "nope", "base:allocation"))
                                    .get(0)
                                    .type())
                    .isEqualTo(OptionReply.ERR_UNKNOWN);
            // The failed SET cleared the selection: block status is refused on vm1.
            assertThat(c.go("vm1").flags() & TransmissionFlags.SEND_DF).isNotZero();
            TestNbdClient.Reply r = c.command(Request.BLOCK_STATUS, 0, 0, 4096);
            assertThat(r.error()).isEqualTo(NbdError.EINVAL.code());
            assertThat(r.message()).contains("base:allocation");
        }
    }

    @Test
    void brokenHandshakesEndOnlyTheirConnection() throws Exception {
        try (TestNbdClient c = client()) {
            c.handshake(0); // not fixed newstyle
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client()) {
            c.handshake(1 | 8); // unknown flag
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendRaw(Bytes.of("4e42444d41474943 00000007 00000000")); // wrong magic
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client().handshake()) {
            c.sendRaw(Bytes.of("49484156454f5054 00000007")); // truncated, then gone
        }
        try (TestNbdClient c = client().handshake()) {
            c.option(OptionRequest.ABORT, new byte[0]);
            assertThat(c.closedByServer()).isTrue();
        }
        try (TestNbdClient c = client().handshake()) {
            assertThat(c.go("vm1@base").flags() & TransmissionFlags.READ_ONLY).isNotZero();
        }
        assertThat(log.toString()).contains("FIXED_NEWSTYLE").contains("IHAVEOPT");
    }

    @Test
    void aHandshakeThatTakesTooLongIsCutButAnIdleSessionIsNot() throws Exception {
        try (NbdServer quick =
                NbdServer.start(
                        pool,
                        new ListenAddress("127.0.0.1", 0),
                        null,
                        new PrintWriter(log, true),
                        java.time.Duration.ofMillis(300))) {
            try (TestNbdClient slow = TestNbdClient.connect(quick.tcpAddress());
                    TestNbdClient idle = TestNbdClient.connect(quick.tcpAddress()).handshake()) {
                idle.go("vm1");
                slow.readRaw(Handshake.GREETING_BYTES); // and then nothing
                assertThat(slow.closedByServer()).isTrue();
                Thread.sleep(400);
                assertThat(idle.read(0, 1).data()).containsExactly(1);
            }
        }
        assertThat(log.toString()).contains("did not finish its handshake in time");
    }
}
