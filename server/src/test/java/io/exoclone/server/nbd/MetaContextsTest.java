package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetaContextsTest {
    @Test
    void parsesExportAndQueries() {
        MetaContextRequest r =
                MetaContextRequest.parse(
                        new OptionRequest(
                                OptionRequest.SET_META_CONTEXT,
                                Bytes.of(
                                        "00000003 766d31 00000002 0000000f"
                                                + Bytes.hex("base:allocation".getBytes())
                                                + "00000007"
                                                + Bytes.hex("qemu:x1".getBytes()))));
        assertThat(r.exportName()).isEqualTo("vm1");
        assertThat(r.queries()).containsExactly("base:allocation", "qemu:x1");
    }

    @Test
    void aQueryWithoutNamespaceOrPastTheEndIsInvalid() {
        OptionRequest noColon =
                new OptionRequest(
                        OptionRequest.LIST_META_CONTEXT,
                        Bytes.of("00000000 00000001 00000004 62617365"));
        assertThatThrownBy(() -> MetaContextRequest.parse(noColon))
                .isInstanceOf(OptionException.class)
                .hasMessageContaining("namespace");
        OptionRequest cut =
                new OptionRequest(
                        OptionRequest.LIST_META_CONTEXT, Bytes.of("00000000 00000002 00000001 3a"));
        assertThatThrownBy(() -> MetaContextRequest.parse(cut))
                .isInstanceOfSatisfying(
                        OptionException.class,
                        e -> assertThat(e.replyType()).isEqualTo(OptionReply.ERR_INVALID));
        OptionRequest many =
                new OptionRequest(OptionRequest.LIST_META_CONTEXT, Bytes.of("00000000 00001000"));
        assertThatThrownBy(() -> MetaContextRequest.parse(many))
                .isInstanceOfSatisfying(
                        OptionException.class,
                        e -> assertThat(e.replyType()).isEqualTo(OptionReply.ERR_TOO_BIG));
    }

    @Test
    void listAnswersWildcardsAndSetSelectsOnlyByName() {
        assertThat(MetaContexts.list(List.of())).containsExactly("base:allocation");
        assertThat(MetaContexts.list(List.of("base:"))).containsExactly("base:allocation");
        assertThat(MetaContexts.list(List.of("qemu:dirty-bitmap:x"))).isEmpty();
        assertThat(MetaContexts.select(List.of("base:"))).isEmpty();
        assertThat(MetaContexts.select(List.of("x-foo:bar", "base:allocation")))
                .containsExactly("base:allocation");
        assertThat(MetaContexts.select(List.of("base:nothing"))).isEmpty();
    }
}
