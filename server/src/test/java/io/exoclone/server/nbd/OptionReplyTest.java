package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OptionReplyTest {
    private static final String MAGIC = "0003e889045565a9";

    @Test
    void ackIsAHeaderWithoutData() {
        assertThat(Bytes.hex(OptionReply.ack(OptionRequest.STRUCTURED_REPLY)))
                .isEqualTo(MAGIC + "00000008" + "00000001" + "00000000");
    }

    @Test
    void serverNamesAnExportThenDescribesIt() {
        assertThat(Bytes.hex(OptionReply.server(OptionRequest.LIST, "vm1", "ab")))
                .isEqualTo(
                        MAGIC
                                + "00000003"
                                + "00000002"
                                + "00000009"
                                + "00000003 766d31 6162".replace(" ", ""));
    }

    @Test
    void metaContextCarriesItsIdAndName() {
        assertThat(
                        Bytes.hex(
                                OptionReply.metaContext(
                                        OptionRequest.SET_META_CONTEXT, 1, "base:allocation")))
                .isEqualTo(
                        MAGIC
                                + "0000000a"
                                + "00000004"
                                + "00000013"
                                + "00000001"
                                + Bytes.hex("base:allocation".getBytes()));
    }

    @Test
    void errorsHaveBit31AndAMessage() {
        assertThat(Bytes.hex(OptionReply.error(42, OptionReply.ERR_UNSUP, "no")))
                .isEqualTo(MAGIC + "0000002a" + "80000001" + "00000002" + "6e6f");
        assertThat(OptionReply.ERR_UNKNOWN).isEqualTo(0x80000006);
        assertThat(OptionReply.ERR_SHUTDOWN).isEqualTo(0x80000007);
    }

    @Test
    void infoWrapsAnItem() {
        assertThat(Bytes.hex(OptionReply.info(7, InfoReply.name("x"))))
                .isEqualTo(MAGIC + "00000007" + "00000003" + "00000003" + "0001" + "78");
    }

    @Test
    void stringsAreCutTo4096BytesWithoutSplittingACharacter() {
        String s = "a" + "é".repeat(3000); // 1 + 6000 bytes
        byte[] b = OptionReply.utf8(s);
        assertThat(b.length).isEqualTo(4095);
        assertThat(new String(b, java.nio.charset.StandardCharsets.UTF_8))
                .startsWith("aé")
                .doesNotContain("\uFFFD");
    }
}
