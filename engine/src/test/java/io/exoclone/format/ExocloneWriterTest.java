package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExocloneWriterTest {
    private static final UUID ID = UUID.fromString("9b2e7f1c-0000-4000-8000-00000000abcd");
    private static final UUID OTHER = UUID.fromString("00000000-1111-4000-8000-000000000001");
    private static final byte[] ROOT = new byte[32];

    @TempDir Path dir;

    private static ByteBuffer blocks(int n, int fill) {
        byte[] b = new byte[n * 4096];
        java.util.Arrays.fill(b, (byte) fill);
        return ByteBuffer.wrap(b);
    }

    private static byte[] sha(ByteBuffer b) {
        return Plan.sha256(b.duplicate().array());
    }

    @Test
    void badCallsAreRefusedAndTheWriterGoesOn() throws IOException {
        Path file = dir.resolve("x.exo");
        try (ExocloneWriter w = ExocloneWriter.builder(ID).open(file)) {
            assertThat(w.addData(10, 2, blocks(2, 1), null)).isZero();
            assertRefused(() -> w.addZero(11, 1), "ascending block order without overlap");
            assertRefused(() -> w.addZero(5, 1), "ascending block order without overlap");
            assertRefused(() -> w.addZero(-1, 1), "start block >= 0");
            assertRefused(() -> w.addTrim(20, 0), "block count >= 1");
            assertRefused(
                    () -> w.addData(20, 1, blocks(2, 1), null), "must be 4096 bytes, got 8192");
            assertRefused(
                    () -> w.addData(20, 1, blocks(1, 1), new byte[32]),
                    "does not match their data");
            assertRefused(() -> w.addData(20, 1, blocks(1, 1), new byte[3]), "32 bytes, got 3");
            assertRefused(
                    () -> w.addDedup(20, 1, new UUID(0, 0), 0, 4096, new byte[32]), "nil UUID");
            assertRefused(
                    () -> w.addDedup(20, 1, OTHER, 100, 4096, new byte[32]),
                    "block-aligned source");
            assertRefused(() -> w.addDedup(20, 1, OTHER, 0, 8192, new byte[32]), "length 4096");
            assertRefused(
                    () -> w.addDedup(20, 3, ID, 19 * 4096, 3 * 4096, new byte[32]),
                    "blocks before this range in this exo-clone's own image [0, 81920)");
            w.addDedup(20, 2, ID, 0, 8192, sha(blocks(2, 1)));
            assertThat(w.addData(22, 1, blocks(1, 2), sha(blocks(1, 2)))).isEqualTo(8192);
            assertRefused(
                    () -> w.finish(ROOT, 22 * 4096L, Optional.empty()),
                    "holds 22 blocks, but ranges reach block 23");
            assertRefused(() -> w.finish(ROOT, 4097 * 100, Optional.empty()), "multiple of 4096");
            assertRefused(() -> w.finish(new byte[31], 4096 * 100, Optional.empty()), "32 bytes");
            assertThat(Files.exists(file)).isFalse();
            w.finish(ROOT, 4096 * 100, Optional.empty());
            assertThatThrownBy(() -> w.addZero(50, 1))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("finished");
        }
        assertThat(BadFiles.failure(file, Optional.empty())).isNull();
        assertThat(BadFiles.ranges(file)).hasSize(3);
    }

    @Test
    void hashedDataWritesTheSameRangesAndAWrongHashIsCaughtByTheReader() throws IOException {
        Path checked = dir.resolve("checked.exo");
        Path hashed = dir.resolve("hashed.exo");
        Path wrong = dir.resolve("wrong.exo");
        try (ExocloneWriter a = ExocloneWriter.builder(ID).open(checked);
                ExocloneWriter b = ExocloneWriter.builder(ID).open(hashed);
                ExocloneWriter c = ExocloneWriter.builder(ID).open(wrong)) {
            a.addData(3, 2, blocks(2, 7), sha(blocks(2, 7)));
            b.addHashedData(3, 2, blocks(2, 7), sha(blocks(2, 7)));
            // The hash of other bytes: not checked here, so it is the reader that must refuse.
            c.addHashedData(3, 2, blocks(2, 7), sha(blocks(2, 8)));
            assertRefused(() -> b.addHashedData(9, 1, blocks(1, 1), null), "got null");
            for (ExocloneWriter w : List.of(a, b, c)) {
                w.finish(ROOT, 4096 * 16, Optional.empty());
            }
        }
        for (Path f : List.of(checked, hashed)) {
            assertThat(BadFiles.failure(f, Optional.empty())).isNull();
            ExocloneRange.Data d = (ExocloneRange.Data) BadFiles.ranges(f).get(0);
            assertThat(d.startBlock()).isEqualTo(3);
            assertThat(d.blockCount()).isEqualTo(2);
            assertThat(d.sha256()).isEqualTo(sha(blocks(2, 7)));
        }
        assertThat(Files.size(hashed)).isEqualTo(Files.size(checked));
        assertThat(BadFiles.corrupt(wrong)).hasMessageContaining("SHA-256");
    }

    private static void assertRefused(Runnable call, String message) {
        assertThatThrownBy(call::run)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void unfinishedFileNeverAppears() throws IOException {
        Path file = dir.resolve("x.exo");
        try (ExocloneWriter w = ExocloneWriter.builder(ID).open(file)) {
            w.addData(0, 1, blocks(1, 3), null);
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.toList()).hasSize(1).noneMatch(p -> p.equals(file));
            }
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void anIoFailureEndsTheWriter() {
        java.io.OutputStream failing =
                new java.io.OutputStream() {
                    long written;

                    @Override
                    public void write(int b) throws IOException {
                        if (++written > 5000) {
                            throw new IOException("disk full");
                        }
                    }
                };
        try (ExocloneWriter w = ExocloneWriter.builder(ID).open(failing)) {
            assertThatThrownBy(() -> w.addData(0, 200, blocks(200, 1), null))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("disk full");
            assertThatThrownBy(() -> w.addZero(500, 1))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("is failed");
        }
    }

    @Test
    void targetsAndOptionsAreChecked() throws IOException {
        Path existing = Files.writeString(dir.resolve("there.exo"), "x");
        assertThatThrownBy(() -> ExocloneWriter.builder(ID).open(existing))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> ExocloneWriter.builder(ID).open(dir))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> ExocloneWriter.builder(ID).open(dir.resolve("no/such/x.exo")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ExocloneWriter.builder(new UUID(0, 0)).open(dir.resolve("a")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("non-nil UUID");
        assertThatThrownBy(() -> ExocloneWriter.builder(ID).parent(ID).open(dir.resolve("a")))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("its own parent");
    }

    @Test
    void emptyFirstExocloneIsValid() throws IOException {
        Path file = dir.resolve("empty.exo");
        ExocloneHeader h;
        try (ExocloneWriter w = ExocloneWriter.builder(ID).open(file)) {
            h = w.finish(ROOT, 0, Optional.empty());
        }
        assertThat(h.parentUuid()).isEmpty();
        assertThat(h.sections().payloadLength()).isZero();
        assertThat(BadFiles.failure(file, Optional.empty())).isNull();
        assertThat(BadFiles.ranges(file)).isEmpty();
        try (SizeEstimator e = new SizeEstimator(ID)) {
            assertThat(e.fileSize(0)).isEqualTo(Files.size(file));
        }
    }

    @Test
    void directBuffersAreWrittenAndLeftUntouched() throws IOException {
        for (Compression c : Compression.values()) {
            Path file = dir.resolve(c + ".exo");
            ByteBuffer direct = ByteBuffer.allocateDirect(3 * 4096);
            for (int i = 0; i < direct.capacity(); i++) {
                direct.put(i, (byte) (i * 7));
            }
            try (ExocloneWriter w = ExocloneWriter.builder(ID).compression(c).open(file)) {
                w.addData(0, 3, direct, null);
                w.finish(ROOT, 3 * 4096, Optional.empty());
            }
            assertThat(direct.position()).isZero();
            List<ExocloneRange> ranges = BadFiles.ranges(file);
            try (ExocloneReader r = ExocloneReader.open(file)) {
                byte[] back = r.openData((ExocloneRange.Data) ranges.get(0)).readAllBytes();
                assertThat(ByteBuffer.wrap(back)).isEqualTo(direct);
            }
        }
    }
}
