package io.exoclone.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.InvalidArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A writer resumed from a flushed prefix writes exactly the file an uninterrupted one writes. */
class ExocloneWriterResumeTest {
    private static final UUID ID = UUID.fromString("9b2e7f1c-0000-4000-8000-00000000abce");
    private static final UUID PARENT = UUID.fromString("00000000-1111-4000-8000-000000000002");
    private static final UUID OTHER = UUID.fromString("00000000-1111-4000-8000-000000000003");
    private static final Instant CREATED = Instant.parse("2026-03-01T10:00:00.123Z");
    private static final byte[] ROOT = new byte[32];

    @TempDir Path dir;

    private static ByteBuffer blocks(int n, int fill) {
        byte[] b = new byte[n * 4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (fill + (i % 4093 == 0 ? i : 0));
        }
        return ByteBuffer.wrap(b);
    }

    private static ExocloneWriter.Builder options(Compression c) {
        return ExocloneWriter.builder(ID).parent(PARENT).compression(c).created(CREATED);
    }

    /** The ranges after the cut, added the same way by both writers. */
    private static ExocloneHeader rest(ExocloneWriter w) {
        ByteBuffer d = blocks(1, 9);
        w.addDedup(8, 1, OTHER, 0, 4096, Plan.sha256(d.array()));
        w.addData(10, 3, blocks(3, 5), null);
        w.addTrim(20, 2);
        return w.finish(ROOT, 1 << 20, Optional.empty());
    }

    @Test
    void aResumedFileIsByteForByteTheUninterruptedOne() throws IOException {
        for (Compression c : Compression.values()) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            List<ExocloneRange> done = new ArrayList<>();
            long cut;
            try (ExocloneWriter w = options(c).open(whole)) {
                ByteBuffer a = blocks(2, 1);
                long before = w.position();
                long content = w.addData(0, 2, a, null);
                done.add(
                        new ExocloneRange.Data(
                                0,
                                2,
                                before - 4096,
                                w.position() - before,
                                content,
                                c,
                                Plan.sha256(a.array())));
                w.addZero(4, 1);
                done.add(new ExocloneRange.Zero(4, 1));
                w.flush();
                cut = w.position();
                assertThat((long) whole.size()).as("flushed bytes").isEqualTo(cut);
                rest(w);
            }
            byte[] expected = whole.toByteArray();

            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            tail.write(expected, 0, (int) cut);
            try (ExocloneWriter w =
                    options(c)
                            .resume(
                                    new ByteArrayInputStream(expected, 0, (int) cut),
                                    cut,
                                    done,
                                    tail)) {
                assertThat(w.position()).isEqualTo(cut);
                rest(w);
            }
            assertThat(tail.toByteArray()).as(c.name()).isEqualTo(expected);
            Path file = dir.resolve(c + ".exo");
            Files.write(file, expected);
            assertThat(BadFiles.failure(file, Optional.empty())).isNull();
        }
    }

    @Test
    void aPrefixThatDoesNotMatchIsRefused() throws IOException {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        long cut;
        try (ExocloneWriter w = options(Compression.NONE).open(whole)) {
            w.addData(0, 1, blocks(1, 3), null);
            w.flush();
            cut = w.position();
        }
        byte[] prefix = Arrays.copyOf(whole.toByteArray(), (int) cut);
        // Other options: another created time makes another header.
        assertThatThrownBy(
                        () ->
                                options(Compression.NONE)
                                        .created(CREATED.plusMillis(1))
                                        .resume(
                                                new ByteArrayInputStream(prefix),
                                                cut,
                                                List.of(),
                                                new ByteArrayOutputStream()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("header");
        // Ranges that do not account for the payload.
        assertThatThrownBy(
                        () ->
                                options(Compression.NONE)
                                        .resume(
                                                new ByteArrayInputStream(prefix),
                                                cut,
                                                List.of(),
                                                new ByteArrayOutputStream()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("account for 0");
        // Fewer bytes than announced.
        assertThatThrownBy(
                        () ->
                                options(Compression.NONE)
                                        .resume(
                                                new ByteArrayInputStream(prefix, 0, 5000),
                                                cut,
                                                List.of(),
                                                new ByteArrayOutputStream()))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("ends");
    }
}
