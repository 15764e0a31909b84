package io.exoclone.cli;

import io.exoclone.engine.ExocloneException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code exoclone} command: global options, the built-in verbs, verbs contributed by {@link
 * CliExtension}s, and the mapping of errors to one line on stderr and an {@link ExitCodes exit
 * code}.
 *
 * <p>Run it with {@link #main}, or in-process with {@link #execute} (tests do).
 */
@Command(
        name = "exoclone",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        header = "Volumes, snapshots, clones and diffs on a copy-on-write B-tree pool.",
        description = {
            "A pool is a directory holding thin-provisioned block volumes, their immutable"
                    + " snapshots (named by UUID) and writable clones. Snapshots and clones take"
                    + " O(1) time; diff walks only the B-tree nodes that changed.",
            "",
            "SNAP is a snapshot UUID, a unique prefix of one, or NAME@TAG. Where NAME|SNAP is"
                    + " accepted, a volume name wins over a snapshot prefix.",
            "Sizes and offsets take K, M, G or T suffixes (powers of 1024).",
        },
        commandListHeading = "%nCommands:%n",
        footerHeading = "%nExamples:%n",
        footer = {
            "  exoclone pool init /tmp/p",
            "  export EXOCLONE_POOL=/tmp/p",
            "  exoclone volume create vm1 --size 4G",
            "  exoclone write vm1 --offset 1M --from disk.img",
            "  exoclone snapshot vm1 --tag base",
            "  exoclone clone vm1@base vm2",
            "  exoclone diff vm1@base vm2@v2 --json",
            "",
            "Exit codes: 0 ok, 1 error, 2 usage, 3 not found, 4 pool locked, 5 corrupt or check"
                    + " failed, 6 commit state unknown.",
            "Environment: EXOCLONE_POOL (default for --pool).",
        },
        subcommands = {
            CommandLine.HelpCommand.class,
            PoolGroup.class,
            VolumeGroup.class,
            WriteCommand.class,
            ReadCommand.class,
            TrimCommand.class,
            SnapshotCommand.class,
            CloneCommand.class,
            DiffCommand.class,
            LogCommand.class,
            RmCommand.class,
            StatCommand.class,
            CheckCommand.class,
            CompactCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            InspectCommand.class,
            VerifyCommand.class,
            KeygenCommand.class,
            RebaseCommand.class,
            MergeCommand.class,
        })
public final class Main implements Runnable {
    /** Environment variable naming the pool when {@code --pool} is not given. */
    public static final String POOL_ENV = "EXOCLONE_POOL";

    /** System property the launcher sets to say whether stderr is a terminal. */
    public static final String STDERR_TTY_PROPERTY = "exoclone.stderr.tty";

    @Option(
            names = "--pool",
            paramLabel = "DIR",
            scope = ScopeType.INHERIT,
            description = "Pool directory (default: $" + POOL_ENV + ").")
    Path pool;

    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Print the stack trace of an error.")
    boolean debug;

    @Spec CommandSpec spec;

    final InputStream stdin;
    final OutputStream stdout;
    final PrintStream stderr;
    final PrintWriter err;
    final Map<String, String> env;
    final boolean terminal;

    /** Whether the streams are this process's own (so its signals are the command's). */
    boolean ownsProcess;

    /** Set when the command line runs inside a service that holds the pool ({@link InService}). */
    InService.Binding served;

    /** The command on the process's own streams and environment. */
    public Main() {
        this(
                System.in,
                new FileOutputStream(FileDescriptor.out),
                System.err,
                System.getenv(),
                stderrIsTerminal());
        this.ownsProcess = true;
    }

    /**
     * The command on the given streams.
     *
     * @param stdout receives binary data ({@code read}) and text; never closed
     * @param terminal whether stderr is a terminal (progress bars are drawn only then)
     */
    public Main(
            InputStream stdin,
            OutputStream stdout,
            PrintStream stderr,
            Map<String, String> env,
            boolean terminal) {
        this.stdin = Objects.requireNonNull(stdin, "stdin");
        this.stdout = Objects.requireNonNull(stdout, "stdout");
        this.stderr = Objects.requireNonNull(stderr, "stderr");
        this.err = new PrintWriter(new OutputStreamWriter(stderr, StandardCharsets.UTF_8), true);
        this.env = Map.copyOf(env);
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        System.exit(new Main().execute(args));
    }

    /** Parses and runs one command line; returns the exit code. */
    public int execute(String... args) {
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            err.flush();
        }
    }

    /** The full command tree: built-in verbs plus every extension's, wired to this instance. */
    public CommandLine commandLine() {
        CommandLine cl = new CommandLine(this);
        loadExtensions(cl);
        addHelpOptions(cl);
        cl.setOut(new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true));
        cl.setErr(err);
        cl.setParameterExceptionHandler(this::onUsageError);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> onError(ex));
        if (served != null) {
            // The client expanded @files and parsed the line already; its relative paths are
            // relative to its working directory, not to the service's.
            cl.setExpandAtFiles(false);
            Path cwd = served.workingDirectory();
            cl.setExecutionStrategy(
                    parsed -> {
                        WorkingDirectory.resolvePaths(parsed, cwd);
                        return new CommandLine.RunLast().execute(parsed);
                    });
        }
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(err);
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    // ---------------------------------------------------------------- extensions

    private void loadExtensions(CommandLine root) {
        Iterator<CliExtension> it =
                ServiceLoader.load(CliExtension.class, Main.class.getClassLoader()).iterator();
        for (int guard = 0; guard < 1000; guard++) {
            CliExtension ext;
            try {
                if (!it.hasNext()) {
                    return;
                }
                ext = it.next();
            } catch (ServiceConfigurationError e) {
                warn("An exoclone extension could not be loaded: " + oneLine(e.getMessage()));
                continue;
            }
            try {
                ext.register(root);
            } catch (RuntimeException | LinkageError e) {
                warn(
                        "Extension "
                                + ext.getClass().getName()
                                + " failed to register its commands: "
                                + oneLine(String.valueOf(e.getMessage())));
            }
        }
    }

    /**
     * Gives every command, including extensions' commands, {@code --help} and {@code --version}.
     */
    private static void addHelpOptions(CommandLine cl) {
        CommandSpec s = cl.getCommandSpec();
        if (!s.mixinStandardHelpOptions() && s.findOption("--help") == null) {
            s.mixinStandardHelpOptions(true);
        }
        if (s.version().length == 0 && s.versionProvider() == null) {
            s.versionProvider(new Version());
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            addHelpOptions(sub);
        }
    }

    private void warn(String message) {
        err.println("exoclone: warning: " + message);
    }

    // ---------------------------------------------------------------- errors

    private int onUsageError(ParameterException ex, String[] args) {
        String msg = oneLine(ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u
                && !u.getSuggestions().isEmpty()) {
            msg += "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        }
        String where = ex.getCommandLine().getCommandSpec().qualifiedName();
        err.println("exoclone: " + msg + " (see '" + where + " --help')");
        if (debug) {
            ex.printStackTrace(err);
        }
        return ExitCodes.USAGE;
    }

    private int onError(Exception ex) {
        if (isBrokenPipe(ex)) {
            return ExitCodes.BROKEN_PIPE;
        }
        if (ex instanceof CancelledException) {
            return ExitCodes.INTERRUPTED; // asked for, like a Ctrl-C: nothing to report
        }
        err.println("exoclone: " + describe(ex, debug));
        if (debug) {
            ex.printStackTrace(err);
        }
        return ExitCodes.of(ex);
    }

    /** One line for an error: the message of a known error, else a hint to use --debug. */
    static String describe(Throwable ex, boolean debug) {
        if (ex instanceof ExocloneException) {
            return oneLine(ex.getMessage());
        }
        if (ex instanceof NoSuchFileException f) {
            return "No such file or directory: " + f.getFile();
        }
        if (ex instanceof AccessDeniedException f) {
            return "Permission denied: " + f.getFile();
        }
        if (ex instanceof FileAlreadyExistsException f) {
            return "File exists: " + f.getFile();
        }
        if (ex instanceof FileSystemException f) {
            return oneLine(f.getMessage());
        }
        if (ex instanceof IOException) {
            return "I/O error: " + oneLine(String.valueOf(ex.getMessage()));
        }
        return "Internal error: "
                + oneLine(ex.toString())
                + (debug ? "" : " (run with --debug for the stack trace)");
    }

    private static boolean isBrokenPipe(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException
                    && t.getMessage() != null
                    && t.getMessage().contains("Broken pipe")) {
                return true;
            }
        }
        return false;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean stderrIsTerminal() {
        String p = System.getProperty(STDERR_TTY_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Boolean.parseBoolean(p.strip());
        }
        return System.console() != null;
    }

    /** {@code --version}: the build's version and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "exoclone " + version(),
                "Java "
                        + System.getProperty("java.version")
                        + " ("
                        + System.getProperty("java.vm.name")
                        + ")"
            };
        }

        static String version() {
            try (InputStream in =
                    Main.class.getResourceAsStream(
                            "/META-INF/maven/io.exoclone/exoclone-engine/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    String v = p.getProperty("version");
                    if (v != null) {
                        return v;
                    }
                }
            } catch (IOException e) {
                // fall through
            }
            String v = Main.class.getPackage().getImplementationVersion();
            return v == null ? "(development build)" : v;
        }
    }
}
