package io.exoclone.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file taken into the pool's {@code staging/} directory for an import ({@link Pool#stage}): the
 * pool's own bytes, which nobody outside the pool can change. Verify {@link #path()}, then import
 * it; a payload adopted from it becomes a data segment at the import's commit.
 *
 * <p>{@link #close()} finishes the hand-over. When the import adopted the file, a moved original
 * that had to be copied (another file system, or another name for it) is removed now, after the
 * commit. When it did not (the import failed, or the exo-clone was already present), a file moved
 * in is renamed back to its original name and a copy is deleted: the caller's file is as it was.
 */
public final class StagedFile implements AutoCloseable {
    /** How the bytes came into the pool. */
    public enum Method {
        /** Cloned: the pool's file shares extents with the original, copy-on-write (no copy). */
        REFLINK,
        /** Copied byte for byte (the file system cannot clone). */
        COPY,
        /** Renamed into the pool: the same file, now the pool's alone (no copy). */
        MOVE
    }

    private final Path path;
    private final Method method;
    private final Path original;
    private final boolean removeOriginal;
    private boolean closed;

    StagedFile(Path path, Method method, Path original, boolean removeOriginal) {
        this.path = path;
        this.method = method;
        this.original = original;
        this.removeOriginal = removeOriginal;
    }

    /** The staged file: read and verify this one, never the original. */
    public Path path() {
        return path;
    }

    public Method method() {
        return method;
    }

    /** The caller's file this one was taken from; empty for a stream. */
    public Optional<Path> original() {
        return Optional.ofNullable(original);
    }

    /** Whether an import adopted the file (the pool now holds it as a data segment). */
    public boolean adopted() {
        return !Files.exists(path) || Staging.links(path) > 1;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (adopted()) {
                Files.deleteIfExists(path); // the segment keeps the pool's own name
                if (removeOriginal && original != null) {
                    Files.deleteIfExists(original);
                }
            } else if (method == Method.MOVE && original != null && !Files.exists(original)) {
                Files.move(path, original);
            } else {
                Files.deleteIfExists(path);
            }
            Files.deleteIfExists(Staging.originFile(path));
        } catch (IOException e) {
            throw new ExocloneException(
                    "Cannot finish the import of "
                            + (original == null ? path : original)
                            + ": "
                            + e.getMessage()
                            + (method == Method.MOVE && original != null
                                    ? "; the file is at " + path
                                    : ""),
                    e);
        }
    }

    @Override
    public String toString() {
        return "StagedFile{" + path + ", " + method + "}";
    }
}
