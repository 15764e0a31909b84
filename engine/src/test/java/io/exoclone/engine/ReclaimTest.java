package io.exoclone.engine;

import static io.exoclone.engine.FullFileSystemITCase.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction gives dead space back without copying live data: a dead tail is cut off, a dead range
 * inside a segment is punched out (where the file system can), the open segment included; space a
 * crash left past a committed length is reported by check as leaked and reclaimed by compact.
 */
class ReclaimTest {
    private static final int MIB = 1 << 20;

    @TempDir Path tmp;

    @Test
    void deadRangesOfTheOpenSegmentArePunchedAndItsDeadTailCut() throws Exception {
        Path dir = tmp.resolve("p");
        byte[] a1 = random(4 * MIB, 1);
        byte[] a2 = random(8 * MIB, 2);
        try (Pool pool = Pool.create(dir)) {
            Volume a = pool.createVolume("a", 64 * MIB);
            a.write(0, a1);
            pool.createVolume("b", 64 * MIB).write(0, random(4 * MIB, 3));
            a.write(16 * MIB, a2);
            pool.createVolume("c", 64 * MIB).write(0, random(2 * MIB, 4));
            pool.sync();
            Path seg = dir.resolve(Engine.SEGMENTS);
            long before = SmallFileSystem.du(seg);
            pool.deleteVolume("b"); // 4 MiB dead inside the open segment
            pool.deleteVolume("c"); // 2 MiB dead at its end
            long reclaimed = pool.compact();
            long after = SmallFileSystem.du(seg);
            System.out.printf(
                    "ReclaimTest on %s: %d bytes before, %d after compact (%d reported)%n",
                    NativeFiles.fileSystemType(seg), before, after, reclaimed);
            boolean punches = NativeFiles.punchHole(Files.createTempFile(tmp, "t", ""), 0, 4096);
            assumeTrue(punches, "fallocate --punch-hole does not work here");
            assertThat(before - after).isGreaterThanOrEqualTo(6L * MIB);
            assertThat(reclaimed).isEqualTo(before - after);
            // Live data was not copied: still one segment of 16 MiB, 12 MiB of it live.
            CheckReport check = pool.check();
            assertThat(check.problems()).isEmpty();
            assertThat(check.space().segmentBytes()).isEqualTo(16L * MIB);
            assertThat(check.space().liveBytes()).isEqualTo(12L * MIB);
            assertThat(check.space().allocatedBytes()).isLessThan(13L * MIB);
            assertThat(pool.volume("a").readVerified(0, 4 * MIB)).isEqualTo(a1);
            assertThat(pool.volume("a").readVerified(16 * MIB, 8 * MIB)).isEqualTo(a2);
            assertThat(pool.compact()).as("nothing more to give back").isLessThan(64 << 10);
            // New data goes after the cut tail and reads back.
            pool.volume("a").write(40 * MIB, a1);
            assertThat(pool.volume("a").readVerified(40 * MIB, 4 * MIB)).isEqualTo(a1);
        }
        try (Pool pool = Pool.open(dir)) {
            assertThat(pool.check().problems()).isEmpty();
        }
    }

    @Test
    void spaceACrashLeftPastACommittedLengthIsReportedAndReclaimed() throws Exception {
        Path dir = tmp.resolve("p");
        PoolOptions small = PoolOptions.builder().segmentSize(MIB).build();
        try (Pool pool = Pool.create(dir, small)) {
            Volume a = pool.createVolume("a", 16 * MIB);
            for (int i = 0; i < 3; i++) {
                a.write((long) i * MIB, random(MIB, 5 + i)); // one segment each
            }
        }
        // A crash between a commit that cut a segment's tail and the truncation leaves this.
        Path first = dir.resolve(Engine.SEGMENTS).resolve(Segments.fileName(1));
        long length = Files.size(first);
        try (var ch =
                java.nio.channels.FileChannel.open(first, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(random(300_000, 6)), length);
        }
        try (Pool pool = Pool.open(dir, small)) {
            SpaceReport space = pool.check().space();
            assertThat(space.leakedBytes()).isEqualTo(300_000);
            assertThat(space.leaks()).singleElement().asString().contains(Segments.fileName(1));
            pool.compact();
            CheckReport after = pool.check();
            assertThat(after.problems()).isEmpty();
            assertThat(after.space().leakedBytes()).isZero();
            assertThat(Files.size(first)).isLessThanOrEqualTo(length);
        }
    }
}
