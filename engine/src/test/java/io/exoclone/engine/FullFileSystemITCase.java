package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exoclone.format.Compression;
import io.exoclone.format.Exporter;
import io.exoclone.format.Importer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pool on a real 64 MiB file system (a loop-mounted ext4 image, else a tmpfs; skipped with the
 * reason where neither can be mounted) filled to ENOSPC, by writes and by imports, and then topped
 * up by another file so that not a byte is free: deleting and compacting must still commit (the
 * space reserve), give the space back, and let new writes and imports succeed; {@code check} stays
 * clean and the data that was kept reads back verified.
 */
class FullFileSystemITCase {
    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Fills what is left of the file system with a file of zeros. */
    private static Path topUp(SmallFileSystem fs) throws Exception {
        Path filler = fs.root().resolve("filler");
        SmallFileSystem.run("dd if=/dev/zero of=" + filler + " bs=64k 2>/dev/null || true");
        SmallFileSystem.run(
                "dd if=/dev/zero of="
                        + filler
                        + " bs=4k oflag=append conv=notrunc"
                        + " 2>/dev/null || true");
        return filler;
    }

    private static void report(String what, SmallFileSystem fs, long before, long after) {
        System.out.printf(
                "FullFileSystemITCase %s on %s: segments %.1f MiB before rm + compact, %.1f MiB"
                        + " after (%.1f MiB returned)%n",
                what,
                fs.type(),
                before / (double) MIB,
                after / (double) MIB,
                (before - after) / (double) MIB);
    }

    @Test
    void theWritePathRecoversByDeleting() throws Exception {
        try (SmallFileSystem fs = SmallFileSystem.mount(tmp, 64)) {
            assumeTrue(fs.available(), fs::unavailableReason);
            Path dir = fs.root().resolve("pool");
            byte[] keep = random(8 * MIB, 1);
            try (Pool pool = Pool.create(dir)) {
                pool.createVolume("keep", 16 * MIB).write(0, keep);
                pool.snapshot("keep", "k");
                Volume fill = pool.createVolume("fill", 256 * MIB);
                List<Snapshot> snaps = new ArrayList<>();
                assertThatThrownBy(
                                () -> {
                                    for (int i = 0; i < 256; i++) {
                                        fill.write((long) i * MIB, random(MIB, 100 + i));
                                        pool.sync();
                                        if (i % 8 == 7) {
                                            snaps.add(pool.snapshot("fill", "f" + i));
                                        }
                                    }
                                })
                        .hasMessageContaining("No space left on device");
                Path filler = topUp(fs);
                assertThat(fs.usable()).isLessThan(64 << 10);
                long before = SmallFileSystem.du(dir.resolve(Engine.SEGMENTS));

                for (Snapshot s : snaps) {
                    pool.deleteSnapshot(s.id());
                }
                pool.deleteVolume("fill");
                long reclaimed = pool.compact();
                long after = SmallFileSystem.du(dir.resolve(Engine.SEGMENTS));
                report("write path", fs, before, after);
                assertThat(before - after).isGreaterThan(24L * MIB);
                assertThat(reclaimed).isGreaterThan(24L * MIB);

                Volume again = pool.createVolume("again", 64 * MIB);
                for (int i = 0; i < 16; i++) {
                    again.write((long) i * MIB, random(MIB, 900 + i));
                }
                pool.snapshot("again", "a");
                CheckReport check = pool.check();
                assertThat(check.problems()).isEmpty();
                assertThat(check.space().leakedBytes()).isZero();
                assertThat(pool.readVerified(pool.resolveSnapshot("keep@k").id(), 0, 8 * MIB))
                        .isEqualTo(keep);
                Files.delete(filler);
                assertThat(pool.compact()).isNotNegative();
                assertThat(pool.check(false).space().reserveBytes()).isPositive();
            }
            try (Pool pool = Pool.open(dir)) {
                assertThat(pool.check().problems()).isEmpty();
            }
        }
    }

    @Test
    void theImportPathRecoversByDeleting() throws Exception {
        List<Path> files = new ArrayList<>();
        try (Pool a = Pool.create(tmp.resolve("a"))) {
            for (int i = 0; i < 12; i++) {
                Volume v = a.createVolume("v" + i, 8 * MIB);
                v.write(0, random(6 * MIB, 300 + i));
                Snapshot s = a.snapshot("v" + i, "s");
                Path f = tmp.resolve("v" + i + ".exo");
                Exporter.export(a, s.id(), f, Compression.NONE, Optional.empty(), null);
                files.add(f);
            }
        }
        try (SmallFileSystem fs = SmallFileSystem.mount(tmp.resolve("fs"), 64)) {
            assumeTrue(fs.available(), fs::unavailableReason);
            Path dir = fs.root().resolve("pool");
            try (Pool pool = Pool.create(dir)) {
                List<Snapshot> imported = new ArrayList<>();
                int next = 0;
                try {
                    for (; next < files.size(); next++) {
                        imported.add(
                                Importer.importFile(
                                                pool,
                                                files.get(next),
                                                Optional.empty(),
                                                Importer.Mode.ADOPT)
                                        .snapshot());
                    }
                } catch (ExocloneException full) {
                    assertThat(full).hasMessageContaining("No space left on device");
                }
                assertThat(next).as("imports before the disk was full").isBetween(3, 10);
                assertThat(pool.check(false).problems()).isEmpty();
                Path filler = topUp(fs);
                long before = SmallFileSystem.du(dir.resolve(Engine.SEGMENTS));

                for (Snapshot s : imported.subList(1, imported.size())) {
                    pool.deleteSnapshot(s.id());
                }
                pool.compact();
                long after = SmallFileSystem.du(dir.resolve(Engine.SEGMENTS));
                report("import path", fs, before, after);
                assertThat(before - after).isGreaterThan(6L * MIB);

                // Into the space the deletes gave back, the other file still there.
                Importer.importFile(pool, files.get(next), Optional.empty(), Importer.Mode.ADOPT);
                Files.delete(filler);
                Importer.importFile(
                        pool, files.get(next + 1), Optional.empty(), Importer.Mode.ADOPT);
                CheckReport check = pool.check();
                assertThat(check.problems()).isEmpty();
                assertThat(check.space().leakedBytes()).isZero();
                assertThat(fs.root().resolve("pool").resolve(Staging.DIR)).isEmptyDirectory();
                assertThat(pool.readVerified(imported.get(0).id(), 0, 6 * MIB))
                        .isEqualTo(random(6 * MIB, 300));
            }
        }
    }
}
