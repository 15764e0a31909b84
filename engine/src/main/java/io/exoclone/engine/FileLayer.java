package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the pool performs goes through this layer, so tests can inject faults and
 * cut writes at any step. {@link RealFileLayer} is the production implementation.
 */
interface FileLayer {
    /** Opens (creating when {@code create}) a file for reading and writing. */
    Handle open(Path path, boolean create) throws IOException;

    boolean exists(Path path);

    void delete(Path path) throws IOException;

    void createDirectories(Path path) throws IOException;

    List<Path> list(Path dir) throws IOException;

    /**
     * Makes {@code target} (which must not exist) a durable file with the bytes of {@code source}
     * that no longer depends on it: a reflink (shared extents, copy-on-write) where the file system
     * clones, else a copy. Never a hard link: whoever holds {@code source} can still write it.
     */
    StagedFile.Method cloneOrCopy(Path source, Path target) throws IOException;

    /** Renames {@code source} to {@code target} atomically; false across file systems. */
    boolean moveAtomically(Path source, Path target) throws IOException;

    /** Makes {@code link} a second name of {@code existing} (both names are the pool's own). */
    void link(Path existing, Path link) throws IOException;

    /**
     * Deallocates {@code [offset, offset + length)} of a file, keeping its size; the range reads as
     * zeros after. Returns false where the file system cannot.
     */
    boolean punchHole(Path file, long offset, long length) throws IOException;

    /** Creates {@code file} with {@code length} bytes whose blocks are allocated. */
    void preallocate(Path file, long length) throws IOException;

    /** Makes directory entries (creations, deletions) of {@code dir} durable. */
    void syncDirectory(Path dir) throws IOException;

    /** An open file. Positional I/O only. */
    interface Handle extends AutoCloseable {
        /** Writes all remaining bytes of {@code src} at {@code position}. */
        void write(ByteBuffer src, long position) throws IOException;

        /** Reads until {@code dst} is full or end of file; returns bytes read. */
        int read(ByteBuffer dst, long position) throws IOException;

        long size() throws IOException;

        void truncate(long size) throws IOException;

        /** fsync. */
        void force() throws IOException;

        @Override
        void close() throws IOException;
    }
}
