package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestorePointsTest {
    @TempDir Path dir;

    private Path metadata(String relative, long millis) throws Exception {
        Path m = dir.resolve("base").resolve(relative).resolve("_metadata");
        Files.createDirectories(m.getParent());
        Files.writeString(m, "x");
        Files.setLastModifiedTime(m, FileTime.fromMillis(millis));
        return m;
    }

    @Test
    void nothingToRestoreAtFirst() {
        RestorePoints p = new RestorePoints(dir.resolve("base").toUri(), dir.resolve("record"));
        assertThat(p.latest()).isEmpty();
        assertThat(p.checkpointDir()).endsWith("/base/checkpoints");
        assertThat(p.savepointDir()).endsWith("/base/savepoints");
    }

    @Test
    void newestOfSavepointsAndRetainedCheckpointsWins() throws Exception {
        RestorePoints p = new RestorePoints(dir.resolve("base").toUri(), dir.resolve("record"));
        metadata("savepoints/savepoint-aaaaaa-1", 1_000);
        Path crash = metadata("checkpoints/0123abcd/chk-7", 2_000);
        metadata("checkpoints/0123abcd/chk-8-unfinished", 3_000); // not a checkpoint dir name
        Files.createDirectories(dir.resolve("base/checkpoints/0123abcd/chk-9")); // no _metadata

        assertThat(p.latest()).contains(crash.getParent().toUri().toString());
    }

    @Test
    void aSavepointReplacesEveryOlderRestorePoint() throws Exception {
        RestorePoints p = new RestorePoints(dir.resolve("base").toUri(), dir.resolve("record"));
        metadata("checkpoints/0123abcd/chk-7", 1_000);
        metadata("savepoints/savepoint-aaaaaa-1", 2_000);
        Path fresh = metadata("savepoints/savepoint-bbbbbb-2", 3_000).getParent();

        p.savedAt(fresh.toUri().toString());

        assertThat(p.recorded()).contains(fresh.toUri().toString());
        assertThat(p.latest()).contains(fresh.toUri().toString());
        assertThat(dir.resolve("base/checkpoints")).isEmptyDirectory();
        try (var s = Files.list(dir.resolve("base/savepoints"))) {
            assertThat(s).containsExactly(fresh);
        }
    }

    @Test
    void remoteStorageUsesTheRecordedSavepoint() {
        RestorePoints p =
                new RestorePoints(java.net.URI.create("hdfs://nn:8020/flink/assemble"), dir);
        assertThat(p.latest()).isEmpty();
        p.savedAt("hdfs://nn:8020/flink/assemble/savepoints/savepoint-1");
        assertThat(p.latest()).contains("hdfs://nn:8020/flink/assemble/savepoints/savepoint-1");
        assertThat(p.checkpointDir()).isEqualTo("hdfs://nn:8020/flink/assemble/checkpoints");
    }
}
