package io.exoclone.server.control;

import io.exoclone.cli.Invocation;
import io.exoclone.cli.PoolServices;
import io.exoclone.cli.ServedPool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How the command line finds {@code exoclone serve}: through the control socket in the pool
 * directory ({@link ControlClient}). Registered in {@code META-INF/services}.
 */
public final class ControlPoolServices implements PoolServices {
    @Override
    public Optional<ServedPool> find(Path poolDir) {
        return ControlClient.connect(poolDir).map(Served::new);
    }

    private record Served(ControlClient client) implements ServedPool {
        @Override
        public String describe() {
            return client.describe();
        }

        @Override
        public int run(
                Invocation invocation,
                InputStream stdin,
                OutputStream stdout,
                OutputStream stderr,
                boolean handleSignals)
                throws IOException {
            return client.run(invocation, stdin, stdout, stderr, handleSignals);
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
