package io.exoclone.cli;

import io.exoclone.engine.CommitStateUnknownException;
import io.exoclone.engine.CorruptDataException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.PoolLockedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** The process exit codes of {@code exoclone}; scripts rely on them. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;

    /** Any other failure (I/O errors, unexpected errors). */
    public static final int GENERIC = 1;

    /** Bad command line or invalid argument: unknown option, bad size, range outside a volume. */
    public static final int USAGE = 2;

    /** A volume, snapshot, pool or input file does not exist. */
    public static final int NOT_FOUND = 3;

    /** The pool is open in another process, or a volume or snapshot is in use by a connection. */
    public static final int LOCKED = 4;

    /** Data on disk is corrupt, or {@code check} found problems. */
    public static final int CORRUPT = 5;

    /**
     * A commit may or may not have become durable (for example the final fsync failed): re-open the
     * pool and look before retrying.
     */
    public static final int COMMIT_STATE_UNKNOWN = 6;

    /** Standard output was closed by the reader (for example {@code exoclone read vm | head}). */
    public static final int BROKEN_PIPE = 141;

    /**
     * The command was interrupted (Ctrl-C) before it finished, as a shell reports a process that
     * SIGINT ended: what a command forwarded to {@code exoclone serve} exits with when its client
     * interrupts it.
     */
    public static final int INTERRUPTED = 130;

    /** A merge found conflicting ranges and, with the default strategy, changed nothing. */
    public static final int MERGE_CONFLICT = 7;

    /**
     * A service named on the command line (Kafka {@code --bootstrap}, Flink {@code --flink}) does
     * not answer.
     */
    public static final int UNREACHABLE = 8;

    private ExitCodes() {}

    /**
     * The exit code for an error that ended a command: the code of the first error in the cause
     * chain that has a specific one, else {@link #GENERIC}.
     */
    public static int of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            int code = direct(t);
            if (code != GENERIC) {
                return code;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return GENERIC;
    }

    private static int direct(Throwable error) {
        if (error instanceof CommandLine.ParameterException
                || error instanceof InvalidArgumentException) {
            return USAGE;
        }
        if (error instanceof NotFoundException || error instanceof NoSuchFileException) {
            return NOT_FOUND;
        }
        if (error instanceof PoolLockedException
                || error instanceof io.exoclone.engine.InUseException) {
            return LOCKED;
        }
        if (error instanceof CorruptDataException) {
            return CORRUPT;
        }
        if (error instanceof io.exoclone.engine.MergeConflictException) {
            return MERGE_CONFLICT;
        }
        if (error instanceof io.exoclone.engine.UnreachableException) {
            return UNREACHABLE;
        }
        if (error instanceof CancelledException) {
            return INTERRUPTED;
        }
        if (error instanceof CommitStateUnknownException) {
            return COMMIT_STATE_UNKNOWN;
        }
        return GENERIC;
    }
}
