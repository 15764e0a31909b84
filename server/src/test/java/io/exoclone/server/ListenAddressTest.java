package io.exoclone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {
    @Test
    void parsesHostAndPort() {
        assertThat(ListenAddress.parse("127.0.0.1:10809")).isEqualTo(ListenAddress.DEFAULT);
        assertThat(ListenAddress.parse("[::1]:0")).isEqualTo(new ListenAddress("::1", 0));
        assertThat(ListenAddress.parse("[::1]:7").toString()).isEqualTo("[::1]:7");
        assertThat(ListenAddress.parse("localhost:99").socketAddress().getPort()).isEqualTo(99);
    }

    @Test
    void badAddressesAreNamed() {
        for (String bad :
                new String[] {"", "10809", ":10809", "host:", "h:x", "::1:5", "h:70000"}) {
            assertThatThrownBy(() -> ListenAddress.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ListenAddress.parse("h:x")).hasMessageContaining("'h:x'");
    }
}
