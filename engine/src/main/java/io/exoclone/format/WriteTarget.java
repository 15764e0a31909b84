package io.exoclone.format;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/** Where a writer's bytes go, and how a finished file becomes visible. */
interface WriteTarget {
    WritableByteChannel channel();

    /** Hands buffered bytes on to the underlying stream or file (not necessarily durable). */
    default void flush() throws IOException {}

    /** Makes the complete file durable and visible. */
    void commit() throws IOException;

    /** Drops whatever was written, best effort. */
    void abort();

    String name();

    /** Temporary files of exports that died, found and removed when this target was created. */
    default List<Path> removedStale() {
        return List.of();
    }

    /** Temporary names of unfinished files: {@code .NAME.UUID.tmp}. */
    Pattern TEMP =
            Pattern.compile(
                    "\\..+\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp");

    /** A temporary file younger than this is never taken for a dead writer's. */
    long STALE_AFTER_MILLIS = 5_000;

    /**
     * Removes the temporary files of writers that died in {@code dir}: a live writer holds a lock
     * on its file (released by the kernel when the process ends, even by SIGKILL).
     */
    static List<Path> removeStale(Path dir) {
        List<Path> removed = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!TEMP.matcher(p.getFileName().toString()).matches()
                        || !Files.isRegularFile(p)
                        || Files.getLastModifiedTime(p).toMillis()
                                > System.currentTimeMillis() - STALE_AFTER_MILLIS) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE);
                        FileLock lock = ch.tryLock()) {
                    if (lock != null) {
                        Files.delete(p);
                        removed.add(p);
                    }
                } catch (OverlappingFileLockException inUseHere) {
                    // an export of this process is writing it
                } catch (IOException gone) {
                    // removed meanwhile, or not ours to remove
                }
            }
        } catch (IOException e) {
            // the directory cannot be listed: the export itself will say so
        }
        return removed;
    }

    /**
     * A file written under a temporary name in the same directory, fsynced, then renamed
     * atomically: a crash never leaves a partial file under the final name.
     */
    static WriteTarget file(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new InvalidArgumentException("Cannot write an exo-clone to a directory: " + file);
        }
        if (Files.exists(target)) {
            throw new InvalidArgumentException(
                    "Exo-clone file " + file + " already exists; exo-clone files are immutable");
        }
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new NotFoundException("No directory " + dir + " to write " + file + " in");
        }
        List<Path> removed = removeStale(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel ch =
                FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ch.tryLock(); // held until the file is renamed or removed; marks the writer alive
        } catch (IOException | RuntimeException e) {
            ch.close();
            Files.deleteIfExists(temp);
            throw e;
        }
        // Ctrl-C or SIGTERM: the temporary file goes with the process.
        Thread cleanup =
                new Thread(
                        () -> {
                            try {
                                Files.deleteIfExists(temp);
                            } catch (IOException e) {
                                // the next export into this directory removes it
                            }
                        },
                        "exoclone-export-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        Runnable forget =
                () -> {
                    try {
                        Runtime.getRuntime().removeShutdownHook(cleanup);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook runs anyway; the file is gone or renamed by then
                    }
                };
        return new WriteTarget() {
            @Override
            public List<Path> removedStale() {
                return removed;
            }

            @Override
            public WritableByteChannel channel() {
                return ch;
            }

            @Override
            public void commit() throws IOException {
                ch.force(true);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                ch.close();
                forget.run();
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                } catch (IOException e) {
                    // Some platforms cannot fsync a directory; the rename is still atomic.
                }
            }

            @Override
            public void abort() {
                try {
                    Files.deleteIfExists(temp);
                    ch.close();
                    forget.run();
                } catch (IOException e) {
                    // Best effort: the temporary name never looks like a finished file.
                }
            }

            @Override
            public String name() {
                return file.toString();
            }
        };
    }

    /** A caller's stream, left open: the caller owns it. */
    static WriteTarget stream(OutputStream out) {
        WritableByteChannel ch = Channels.newChannel(out);
        return new WriteTarget() {
            @Override
            public WritableByteChannel channel() {
                return ch;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void commit() throws IOException {
                out.flush();
            }

            @Override
            public void abort() {}

            @Override
            public String name() {
                return "stream";
            }
        };
    }

    /** A caller's channel, left open: the caller owns it. */
    static WriteTarget channel(WritableByteChannel ch) {
        return new WriteTarget() {
            @Override
            public WritableByteChannel channel() {
                return ch;
            }

            @Override
            public void commit() {}

            @Override
            public void abort() {}

            @Override
            public String name() {
                return "channel";
            }
        };
    }
}
