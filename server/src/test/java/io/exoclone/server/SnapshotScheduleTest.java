package io.exoclone.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scheduled snapshots take one per round of each volume that changed, and only then. */
class SnapshotScheduleTest {
    @TempDir Path tmp;

    @Test
    void snapshotsChangedVolumesOnlyAndReportsThem() throws Exception {
        List<String> notices = new CopyOnWriteArrayList<>();
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            pool.createVolume("a", 1 << 20).write(0, new byte[] {1});
            pool.createVolume("b", 1 << 20);
            try (SnapshotSchedule s =
                    SnapshotSchedule.start(
                            pool,
                            List.of("a", "b"),
                            Duration.ofMillis(50),
                            notices::add,
                            warnings::add)) {
                assertThat(s.describe()).isEqualTo("snapshots of a, b every 50ms");
                await(() -> notices.size() >= 2);
                Thread.sleep(300);
                assertThat(notices).as("b changed once (from nothing), a once").hasSize(2);
                pool.volume("b").write(4096, new byte[] {2});
                await(() -> notices.size() >= 3);
                Thread.sleep(300);
                assertThat(notices).hasSize(3);
            }
            List<Snapshot> a =
                    pool.snapshots().stream().filter(x -> x.volume().equals("a")).toList();
            assertThat(a).hasSize(1);
            assertThat(notices).contains("Snapshot " + a.get(0).id() + " of volume 'a'");
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void aMissingVolumeFailsAtStartAndOneDeletedLaterIsWarnedOnce() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        try (Pool pool = Pool.create(tmp.resolve("p"))) {
            assertThatThrownBy(
                            () ->
                                    SnapshotSchedule.start(
                                            pool,
                                            List.of("nope"),
                                            Duration.ofSeconds(1),
                                            n -> {},
                                            warnings::add))
                    .isInstanceOf(NotFoundException.class);
            pool.createVolume("gone", 1 << 20);
            try (SnapshotSchedule s =
                    SnapshotSchedule.start(
                            pool, List.of("gone"), Duration.ofMillis(20), n -> {}, warnings::add)) {
                pool.deleteVolume("gone");
                await(() -> !warnings.isEmpty());
                Thread.sleep(200);
            }
            assertThat(warnings)
                    .containsExactly(
                            "scheduled snapshot failed: No volume named 'gone' in pool "
                                    + tmp.resolve("p"));
        }
    }

    private static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!c.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited too long").isLessThan(end);
            Thread.sleep(10);
        }
    }
}
