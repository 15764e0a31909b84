package io.exoclone.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A pool held open by a running service, reached through {@link PoolServices}: a connection to the
 * service for one command line. Close it when not used.
 */
public interface ServedPool extends AutoCloseable {
    /** Who serves it, for messages: {@code exoclone serve (pid 4242)}. */
    String describe();

    /**
     * Runs a command line inside the service, against its open pool, and returns its exit code. The
     * command reads {@code stdin} only when it needs input, and its output arrives on {@code
     * stdout} and {@code stderr} as it is written.
     *
     * @param handleSignals whether this process's Ctrl-C (SIGINT, SIGTERM) is passed on to the
     *     command: the first asks it to stop, a second stops waiting for it. Only for the command
     *     line of a process of its own.
     */
    int run(
            Invocation invocation,
            InputStream stdin,
            OutputStream stdout,
            OutputStream stderr,
            boolean handleSignals)
            throws IOException;

    @Override
    void close();
}
