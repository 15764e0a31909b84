package io.exoclone.server.control;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a served pool's control socket is: {@code DIR/serve.sock}, a Unix domain socket only its
 * owner may use (mode 0600). It exists while {@code exoclone serve} runs; one left behind by a
 * service that was killed is stale (nothing listens), and the next {@code serve} replaces it.
 */
public final class ControlSocket {
    /** File name of the socket in the pool directory. */
    public static final String FILE_NAME = "serve.sock";

    /** Version of the control protocol; client and service must speak the same. */
    static final int PROTOCOL_VERSION = 1;

    /** Longest socket path Linux accepts ({@code sun_path} holds 108 bytes with the NUL). */
    static final int MAX_PATH_BYTES = 107;

    private ControlSocket() {}

    /** The control socket of the pool in {@code poolDir}. */
    public static Path path(Path poolDir) {
        return poolDir.toAbsolutePath().normalize().resolve(FILE_NAME);
    }

    /** Whether {@code socket} is short enough to bind or connect to. */
    static boolean fits(Path socket) {
        return socket.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }
}
