package io.exoclone.connectors.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.ExocloneException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both resume modes on {@code file://} (parts mode forced, as on S3). */
class InProgressFileTest {
    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000002");

    @TempDir Path dir;

    private ExocloneFileStore open(ExocloneFileStore.ResumeMode mode) {
        return ExocloneFileStore.open(
                dir.toUri(),
                Map.of(ExocloneFileStore.RESUME_MODE_PROPERTY, mode.name().toLowerCase()));
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private Stream<String> names() throws Exception {
        return Files.walk(dir).filter(Files::isRegularFile).map(p -> dir.relativize(p).toString());
    }

    @Test
    void localFilesCanTruncate() {
        try (ExocloneFileStore store = ExocloneFileStore.open(dir.toUri(), Map.of())) {
            assertThat(store.resumeMode()).isEqualTo(ExocloneFileStore.ResumeMode.TRUNCATE);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @EnumSource(ExocloneFileStore.ResumeMode.class)
    void aResumedFileDropsWhatCameAfterThePersistAndCompletesWhole(
            ExocloneFileStore.ResumeMode mode) throws Exception {
        byte[] a = bytes(5000, 1);
        byte[] b = bytes(7000, 2);
        byte[] lost = bytes(3000, 3);
        byte[] c = bytes(4000, 4);
        long persisted;
        try (ExocloneFileStore store = open(mode)) {
            InProgressFile f = store.startInProgress("vol", ID);
            f.stream().write(a);
            assertThat(f.persist()).isEqualTo(a.length);
            f.stream().write(b);
            persisted = f.persist();
            f.stream().write(lost);
            if (mode == ExocloneFileStore.ResumeMode.TRUNCATE) {
                f.persist(); // on disk, yet after the checkpoint the job restores from
            }
            f.close(); // the task fails
        }
        try (ExocloneFileStore store = open(mode)) {
            InProgressFile f = store.resumeInProgress("vol", ID, persisted);
            try (InputStream in = f.readResumed()) {
                assertThat(in.readAllBytes()).isEqualTo(concat(a, b));
            }
            assertThat(f.length()).isEqualTo(persisted);
            f.stream().write(c);
            f.persist();
            f.stream().write(c);
            URI done = f.complete();
            byte[] whole = concat(a, b, c, c);
            assertThat(Files.readAllBytes(Path.of(done))).isEqualTo(whole);
            store.commit(done, store.finalUri("vol", ID), whole.length);
            try (Stream<String> n = names()) {
                assertThat(n).containsExactly("vol/" + ID + ".exo");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ExocloneFileStore.ResumeMode.class)
    void resumingFromMoreThanWasPersistedFails(ExocloneFileStore.ResumeMode mode) throws Exception {
        try (ExocloneFileStore store = open(mode)) {
            InProgressFile f = store.startInProgress("vol", ID);
            f.stream().write(bytes(100, 1));
            f.persist();
            f.close();
            assertThatThrownBy(() -> store.resumeInProgress("vol", ID, 200))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("200");
        }
    }

    @ParameterizedTest
    @EnumSource(ExocloneFileStore.ResumeMode.class)
    void abortAndDeleteLeaveNothing(ExocloneFileStore.ResumeMode mode) throws Exception {
        try (ExocloneFileStore store = open(mode)) {
            InProgressFile f = store.startInProgress("vol", ID);
            f.stream().write(bytes(100, 1));
            f.persist();
            f.stream().write(bytes(100, 1));
            f.abort();
            try (Stream<String> n = names()) {
                assertThat(n).isEmpty();
            }
            InProgressFile g = store.startInProgress("vol", ID);
            g.stream().write(bytes(100, 1));
            g.persist();
            g.close();
            store.deleteInProgress("vol", ID);
            try (Stream<String> n = names()) {
                assertThat(n).isEmpty();
            }
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
