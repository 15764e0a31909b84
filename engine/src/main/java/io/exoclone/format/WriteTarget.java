package io.exoclone.format;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

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
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        FileChannel ch =
                FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new WriteTarget() {
            @Override
            public WritableByteChannel channel() {
                return ch;
            }

            @Override
            public void commit() throws IOException {
                ch.force(true);
                ch.close();
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                    d.force(true);
                } catch (IOException e) {
                    // Some platforms cannot fsync a directory; the rename is still atomic.
                }
            }

            @Override
            public void abort() {
                try {
                    ch.close();
                    Files.deleteIfExists(temp);
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
