package io.exoclone.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The file layer of production: {@link FileChannel}s. */
final class RealFileLayer implements FileLayer {
    static final RealFileLayer INSTANCE = new RealFileLayer();

    @Override
    public Handle open(Path path, boolean create) throws IOException {
        FileChannel ch =
                create
                        ? FileChannel.open(
                                path,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE)
                        : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ChannelHandle(ch);
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void createDirectories(Path path) throws IOException {
        Files.createDirectories(path);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.sorted().toList());
        }
    }

    @Override
    public StagedFile.Method cloneOrCopy(Path source, Path target) throws IOException {
        StagedFile.Method how = StagedFile.Method.REFLINK;
        if (!NativeFiles.reflink(source, target)) {
            how = StagedFile.Method.COPY;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                    FileChannel out =
                            FileChannel.open(
                                    target,
                                    StandardOpenOption.CREATE_NEW,
                                    StandardOpenOption.WRITE)) {
                long size = in.size();
                long pos = 0;
                while (pos < size) {
                    long n = in.transferTo(pos, size - pos, out);
                    if (n <= 0 && in.size() <= pos) {
                        break; // the source shrank while it was copied
                    }
                    pos += n;
                }
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(target);
                throw e;
            }
        }
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        return how;
    }

    @Override
    public boolean moveAtomically(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            return false;
        }
    }

    @Override
    public void link(Path existing, Path link) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (UnsupportedOperationException e) {
            throw new IOException("Hard links are not supported for " + link, e);
        }
    }

    @Override
    public boolean punchHole(Path file, long offset, long length) throws IOException {
        return NativeFiles.punchHole(file, offset, length);
    }

    @Override
    public void preallocate(Path file, long length) throws IOException {
        if (!NativeFiles.preallocate(file, length)) {
            // No fallocate here: write the zeros, which allocates them just the same.
            try (FileChannel ch =
                    FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate(1 << 20);
                for (long pos = 0; pos < length; ) {
                    zeros.clear().limit((int) Math.min(zeros.capacity(), length - pos));
                    while (zeros.hasRemaining()) {
                        pos += ch.write(zeros, pos);
                    }
                }
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open directories; their metadata is journaled anyway.
        }
    }

    static final class ChannelHandle implements Handle {
        private final FileChannel ch;

        ChannelHandle(FileChannel ch) {
            this.ch = ch;
        }

        FileChannel channel() {
            return ch;
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            long pos = position;
            while (src.hasRemaining()) {
                pos += ch.write(src, pos);
            }
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            ch.truncate(size);
        }

        @Override
        public void force() throws IOException {
            ch.force(false);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
