package io.exoclone.cli;

import io.exoclone.engine.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a client's command line inside a service that holds the pool open ({@code exoclone serve}):
 * the same verbs, parsed by the same command tree, against the service's {@link Pool} instead of
 * one they open. Such a verb never closes the shared pool: where it would close it, it commits
 * ({@link Pool#sync()}).
 *
 * <p>Relative paths in the arguments are resolved against the client's working directory. A {@link
 * Stop} request (the client's Ctrl-C, or the client going away) ends a verb that waits for Ctrl-C
 * ({@link CliContext#stopSignal()}) as a signal would; any other verb is cancelled at its next
 * progress step, or when its streams next check {@link Stop#cancelled()} ({@link
 * CancelledException}, exit code {@link ExitCodes#INTERRUPTED}).
 */
public final class InService {
    /** What a command line run inside a service is bound to. */
    record Binding(Pool pool, Path workingDirectory, Stop stop) {}

    private InService() {}

    /**
     * Runs {@code invocation} against {@code pool}; returns the exit code. Errors are reported on
     * {@code stderr} as the command line reports them.
     */
    public static int execute(
            Pool pool,
            Invocation invocation,
            InputStream stdin,
            OutputStream stdout,
            OutputStream stderr,
            Stop stop) {
        Main main =
                new Main(
                        stdin,
                        stdout,
                        new PrintStream(stderr, true, StandardCharsets.UTF_8),
                        Map.of(),
                        invocation.terminal());
        main.served =
                new Binding(
                        Objects.requireNonNull(pool, "pool"),
                        invocation.workingDirectory(),
                        Objects.requireNonNull(stop, "stop"));
        return main.execute(invocation.args().toArray(new String[0]));
    }

    /** The stop request of one command line run inside a service. Thread-safe. */
    public static final class Stop {
        private final StopSignal signal = StopSignal.manual();
        private volatile boolean handled;

        /** Asks the command to stop (the client pressed Ctrl-C or went away). */
        public void request() {
            signal.trigger();
        }

        /** Whether a stop was requested. */
        public boolean requested() {
            return signal.stopped();
        }

        /**
         * Whether the command must end now: a stop was requested and the command does not handle
         * stops itself. Streams the service gives the command throw {@link CancelledException}
         * then.
         */
        public boolean cancelled() {
            return signal.stopped() && !handled;
        }

        /** The signal of a command that stops on its own terms when asked. */
        StopSignal handle() {
            handled = true;
            return signal;
        }
    }
}
