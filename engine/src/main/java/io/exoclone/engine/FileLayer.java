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
     * Makes {@code target} a second name of {@code source} (a hard link), or, across file systems,
     * a durable copy of it. Returns true when it linked.
     */
    boolean linkOrCopy(Path source, Path target) throws IOException;

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
