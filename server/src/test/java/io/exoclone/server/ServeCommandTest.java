package io.exoclone.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.Main;
import io.exoclone.engine.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve refuses addresses it cannot listen on in one line, and leaves the pool closed. */
class ServeCommandTest {
    @TempDir Path tmp;

    private record Run(int code, String err) {}

    private Run serve(Path pool, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 3];
        full[0] = "--pool";
        full[1] = pool.toString();
        full[2] = "serve";
        System.arraycopy(args, 0, full, 3, args.length);
        int code =
                new Main(
                                new ByteArrayInputStream(new byte[0]),
                                new ByteArrayOutputStream(),
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of(),
                                false)
                        .execute(full);
        return new Run(code, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAddressInUseAnUnknownHostAndAFileInTheWayAreOneLineEach() throws Exception {
        Path pool = tmp.resolve("p");
        Pool.create(pool).close();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Run r = serve(pool, "--listen", "127.0.0.1:" + taken.getLocalPort());
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err())
                    .startsWith(
                            "exoclone: Cannot listen for NBD on 127.0.0.1:" + taken.getLocalPort())
                    .contains("in use")
                    .hasLineCount(1);
        }
        Run unknown = serve(pool, "--listen", "no-such-host.invalid:0");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown host no-such-host.invalid");
        Path file = Files.writeString(tmp.resolve("not-a-socket"), "x");
        Run socket = serve(pool, "--listen", "127.0.0.1:0", "--socket", file.toString());
        assertThat(socket.code()).isEqualTo(2);
        assertThat(socket.err()).contains("a file or directory is there");
        assertThat(Files.readString(file)).isEqualTo("x");
        Pool.open(pool).close(); // not left locked
    }
}
