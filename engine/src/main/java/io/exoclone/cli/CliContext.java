package io.exoclone.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.Volume;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * What a command needs from the command line around it: the pool named by the global {@code --pool}
 * option (or {@code $EXOCLONE_POOL}), the process streams, whether to draw progress, and the shared
 * rules for resolving {@code NAME|SNAP} arguments. Obtain one with {@link #of}.
 */
public final class CliContext {
    private final Main main;
    private final CommandSpec spec;

    private CliContext(Main main, CommandSpec spec) {
        this.main = main;
        this.spec = spec;
    }

    /** The context of a command that runs under {@link Main}. */
    public static CliContext of(CommandSpec spec) {
        Object root = spec.root().userObject();
        if (!(root instanceof Main)) {
            throw new IllegalStateException(
                    "Command '" + spec.qualifiedName() + "' does not run under " + Main.class);
        }
        return new CliContext((Main) root, spec);
    }

    // ---------------------------------------------------------------- the pool

    /**
     * The pool directory from {@code --pool} or {@code $EXOCLONE_POOL}; a usage error if neither.
     */
    public Path poolDir() {
        if (main.pool != null) {
            return main.pool;
        }
        String env = main.env.get(Main.POOL_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        throw usageError("No pool given: use --pool DIR or set " + Main.POOL_ENV);
    }

    /**
     * Opens the pool. A pool held by another process raises {@link
     * io.exoclone.engine.PoolLockedException} (exit code 4), a directory without a pool {@link
     * NotFoundException} (exit code 3). Close it when done; closing commits.
     *
     * <p>Verbs do not call this themselves: {@link PoolCommand} decides whether the pool is opened
     * here or the verb runs inside the service that holds it.
     */
    public Pool openPool() {
        return Pool.open(poolDir());
    }

    /** The pool of the service this command line runs in ({@link InService}), if it does. */
    Optional<Pool> servedPool() {
        return main.served == null ? Optional.empty() : Optional.of(main.served.pool());
    }

    /** This command line, to run it again inside the service that holds the pool. */
    Invocation invocation() {
        return new Invocation(
                spec.root().commandLine().getParseResult().expandedArgs(),
                Path.of("").toAbsolutePath(),
                terminal());
    }

    /** Whether the streams and signals are this process's own (not an in-process caller's). */
    boolean ownsProcess() {
        return main.ownsProcess;
    }

    // ---------------------------------------------------------------- stopping

    /**
     * A request to stop, for a verb that runs until Ctrl-C: in a process of its own SIGINT and
     * SIGTERM (close it to restore their handlers), inside {@code exoclone serve} its client's
     * Ctrl-C or disconnection.
     */
    public StopSignal stopSignal() {
        return main.served != null ? main.served.stop().handle() : StopSignal.install();
    }

    /**
     * Throws {@link CancelledException} when this command runs inside a service and its client
     * asked it to stop or went away. Progress bars call it at every step.
     */
    public void checkCancelled() {
        if (main.served != null && main.served.stop().cancelled()) {
            throw new CancelledException("Cancelled: the client interrupted or disconnected");
        }
    }

    // ---------------------------------------------------------------- names

    /**
     * Resolves a {@code NAME|SNAP} argument: a volume of that name wins, then a snapshot by UUID,
     * unique UUID prefix or {@code NAME@TAG}.
     *
     * @throws NotFoundException when neither exists
     */
    public ImageRef resolveImage(Pool pool, String nameOrSnap) {
        Optional<Volume> v = pool.findVolume(nameOrSnap);
        if (v.isPresent()) {
            return ImageRef.of(v.get());
        }
        try {
            return ImageRef.of(pool.resolveSnapshot(nameOrSnap));
        } catch (NotFoundException e) {
            throw new NotFoundException(
                    "No volume or snapshot named '"
                            + nameOrSnap
                            + "' in pool "
                            + pool.directory()
                            + " (give a volume name, a snapshot UUID or prefix, or NAME@TAG)");
        }
    }

    /**
     * Resolves a {@code SNAP} argument (UUID, unique prefix or {@code NAME@TAG}). When the text is
     * a volume's name, the error says how to name one of its snapshots instead.
     */
    public Snapshot resolveSnapshot(Pool pool, String snap) {
        try {
            return pool.resolveSnapshot(snap);
        } catch (NotFoundException e) {
            if (snap != null && pool.findVolume(snap).isPresent()) {
                throw new NotFoundException(
                        "'"
                                + snap
                                + "' is a volume, not a snapshot: snapshot it first, or name one"
                                + " of its snapshots by UUID or as "
                                + snap
                                + "@TAG");
            }
            throw e;
        }
    }

    /**
     * Resolves a writable volume; a snapshot's name gets an error saying snapshots are read-only.
     */
    public Volume resolveVolume(Pool pool, String name) {
        Optional<Volume> v = pool.findVolume(name);
        if (v.isPresent()) {
            return v.get();
        }
        Snapshot s;
        try {
            s = pool.resolveSnapshot(name);
        } catch (RuntimeException e) {
            throw new NotFoundException(
                    "No volume named '" + name + "' in pool " + pool.directory());
        }
        throw new InvalidArgumentException(
                "'"
                        + name
                        + "' is snapshot "
                        + s.id()
                        + ", which is read-only: clone it to a new volume to change it");
    }

    // ---------------------------------------------------------------- streams

    /** Text output (stdout). */
    public PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Messages and progress (stderr). */
    public PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Binary standard input. */
    public InputStream stdin() {
        return main.stdin;
    }

    /** Binary standard output; pending text on {@link #out()} is flushed first. */
    public OutputStream stdout() {
        out().flush();
        return main.stdout;
    }

    /** Binary standard error; pending text on {@link #err()} is flushed first. */
    OutputStream stderr() {
        err().flush();
        return main.stderr;
    }

    /** Whether stderr is a terminal. */
    public boolean terminal() {
        return main.terminal;
    }

    /** Whether {@code --debug} was given. */
    public boolean debug() {
        return main.debug;
    }

    /**
     * A progress bar on stderr for a transfer of {@code total} bytes ({@code -1} when unknown);
     * drawn only on a terminal and only for transfers of at least {@link Progress#MIN_BYTES}.
     */
    public Progress progress(String label, long total) {
        boolean show = terminal() && (total < 0 || total >= Progress.MIN_BYTES);
        return new Progress(err(), label, total, show).onStep(this::checkCancelled);
    }

    /**
     * Runs an operation that reports no progress of its own, with a spinner on stderr while it runs
     * (only on a terminal).
     */
    public <T> T withSpinner(String label, Supplier<T> work) {
        Progress.Spinner spinner = Progress.spinner(err(), label, terminal());
        try {
            return work.get();
        } finally {
            spinner.close();
        }
    }

    /** An error that exits with the usage code (2) and points at this command's help. */
    public ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    // ---------------------------------------------------------------- JSON

    /** The shared JSON mapper (indented output). */
    public static ObjectMapper json() {
        return JsonHolder.MAPPER;
    }

    /** Prints a value as JSON on stdout. */
    public void printJson(Object value) {
        try {
            out().println(json().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads Jackson only for commands that print JSON (it costs startup time). */
    private static final class JsonHolder {
        static final ObjectMapper MAPPER =
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }
}
