package io.exoclone.connectors.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.ExocloneException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExocloneFileStoreTest {
    private static final UUID ID = UUID.fromString("00000000-0000-4000-8000-000000000001");

    @TempDir Path dir;

    @Test
    void commitRenamesOnceAndARepeatIsANoOp() throws Exception {
        try (ExocloneFileStore store = ExocloneFileStore.open(dir.toUri(), Map.of())) {
            URI pending = store.inProgressUri("vol", ID);
            URI target = store.finalUri("vol", ID);
            assertThat(target.toString()).endsWith("/vol/" + ID + ".exo");
            try (OutputStream out = store.create(pending)) {
                out.write(new byte[100]);
            }
            assertThat(store.commit(pending, target, 100))
                    .isEqualTo(ExocloneFileStore.CommitOutcome.COMMITTED);
            assertThat(store.commit(pending, target, 100))
                    .isEqualTo(ExocloneFileStore.CommitOutcome.ALREADY_COMMITTED);
            try (var files = Files.list(dir.resolve("vol"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly(ID + ".exo");
            }
        }
    }

    @Test
    void aFinalFileOfAnotherSizeOrAMissingInProgressFileIsAnError() throws Exception {
        try (ExocloneFileStore store = ExocloneFileStore.open(dir.toUri(), Map.of())) {
            URI pending = store.inProgressUri("vol", ID);
            URI target = store.finalUri("vol", ID);
            assertThatThrownBy(() -> store.commit(pending, target, 10))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("-1");
            try (OutputStream out = store.create(target)) {
                out.write(new byte[5]);
            }
            assertThatThrownBy(() -> store.commit(pending, target, 10))
                    .isInstanceOf(ExocloneException.class)
                    .hasMessageContaining("already exists with 5 bytes, expected 10");
        }
    }

    @Test
    void rejectsVolumeNamesThatEscapeTheBase() {
        try (ExocloneFileStore store = ExocloneFileStore.open(dir.toUri(), Map.of())) {
            assertThatThrownBy(() -> store.finalUri("../x", ID))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'../x'");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
