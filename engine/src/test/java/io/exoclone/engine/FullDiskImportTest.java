package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.format.Importer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A disk that fills up during an import: a clear error, and the pool exactly as it was. */
class FullDiskImportTest {
    @TempDir Path tmp;

    /** Real files, but writes fail with ENOSPC's message once a byte budget is spent. */
    static final class FullDisk implements FileLayer {
        private final FileLayer real = RealFileLayer.INSTANCE;
        long budget;

        FullDisk(long budget) {
            this.budget = budget;
        }

        private void spend(long n) throws IOException {
            if (n > budget) {
                throw new IOException("No space left on device");
            }
            budget -= n;
        }

        @Override
        public Handle open(Path path, boolean create) throws IOException {
            Handle h = real.open(path, create);
            return new Handle() {
                @Override
                public void write(ByteBuffer src, long position) throws IOException {
                    spend(Math.max(0, position + src.remaining() - h.size()));
                    h.write(src, position);
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return h.read(dst, position);
                }

                @Override
                public long size() throws IOException {
                    return h.size();
                }

                @Override
                public void truncate(long size) throws IOException {
                    h.truncate(size);
                }

                @Override
                public void force() throws IOException {
                    h.force();
                }

                @Override
                public void close() throws IOException {
                    h.close();
                }
            };
        }

        @Override
        public boolean exists(Path path) {
            return real.exists(path);
        }

        @Override
        public void delete(Path path) throws IOException {
            real.delete(path);
        }

        @Override
        public void createDirectories(Path path) throws IOException {
            real.createDirectories(path);
        }

        @Override
        public List<Path> list(Path dir) throws IOException {
            return real.list(dir);
        }

        @Override
        public StagedFile.Method cloneOrCopy(Path source, Path target) throws IOException {
            spend(Files.size(source)); // a copy
            return real.cloneOrCopy(source, target);
        }

        @Override
        public boolean moveAtomically(Path source, Path target) throws IOException {
            return real.moveAtomically(source, target);
        }

        @Override
        public void link(Path existing, Path link) throws IOException {
            spend(Files.size(existing)); // as if links were refused and the file were copied
            real.link(existing, link);
        }

        @Override
        public boolean punchHole(Path file, long offset, long length) throws IOException {
            return real.punchHole(file, offset, length);
        }

        @Override
        public void preallocate(Path file, long length) throws IOException {
            spend(length);
            real.preallocate(file, length);
        }

        @Override
        public void syncDirectory(Path dir) throws IOException {
            real.syncDirectory(dir);
        }
    }

    private static long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "LZ4"})
    void importOnAFullDiskFailsCleanly(String compression) throws Exception {
        Path file = tmp.resolve("x.exo");
        Snapshot s;
        try (Pool a = Pool.create(tmp.resolve("a"))) {
            Volume v = a.createVolume("v", 16 << 20);
            byte[] d = new byte[4 << 20];
            new Random(5).nextBytes(d);
            v.write(0, d);
            s = a.snapshot("v", "t");
            Exporter.export(
                    a, s.id(), file, Compression.valueOf(compression), Optional.empty(), null);
        }
        Path b = tmp.resolve("b");
        Pool.create(b).close();
        long filesBefore = files(b);
        try (Pool pool = Pool.open(b, PoolOptions.defaults(), new FullDisk(1 << 20))) {
            long gen = pool.generation();
            assertThatThrownBy(() -> Importer.importFile(pool, file, Optional.empty(), false))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("No space left on device");
            assertThat(pool.generation()).isEqualTo(gen);
            assertThat(pool.snapshots()).isEmpty();
            assertThat(pool.check().problems()).isEmpty();
        }
        assertThat(files(b)).isEqualTo(filesBefore);
        try (Pool pool = Pool.open(b)) {
            assertThat(
                            Importer.importFile(pool, file, Optional.empty(), false)
                                    .snapshot()
                                    .rootHashHex())
                    .isEqualTo(s.rootHashHex());
            assertThat(pool.check().problems()).isEmpty();
        }
    }
}
