package io.exoclone.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real writer process with SIGKILL in the middle of its workload, several times over the
 * same pool, and verifies after each kill that the pool opens, passes check (including data hashes)
 * and still holds every snapshot the writer reported as committed, with its root hash.
 */
class KillDashNineITCase {
    @TempDir Path tmp;

    @Test
    void poolSurvivesSigkillOfItsWriter() throws Exception {
        Path dir = tmp.resolve("pool");
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("v", 64L << 20);
        }
        Map<String, String> committed = new LinkedHashMap<>();
        for (int run = 0; run < 4; run++) {
            Process p =
                    TestJvm.builder(
                                    CrashWriter.class.getName(),
                                    dir.toString(),
                                    Long.toString(1000 + run))
                            .redirectError(tmp.resolve("writer-" + run + ".err").toFile())
                            .start();
            int seen = 0;
            try (BufferedReader out =
                    new BufferedReader(
                            new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] f = line.split(" ");
                    if (f.length == 3 && f[0].equals("COMMITTED")) {
                        // Tags restart at r0 in every run: key them by run.
                        committed.put(run + "/" + f[1], f[2]);
                        if (++seen == 3 + run) {
                            Thread.sleep(20L * run);
                            break;
                        }
                    }
                }
                p.destroyForcibly(); // SIGKILL on Linux
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            String err = Files.readString(tmp.resolve("writer-" + run + ".err"));
            assertThat(seen).as("writer %d printed commits; stderr: %s", run, err).isGreaterThan(0);

            try (Pool pool = Pool.open(dir)) {
                assertThat(pool.check().problems()).as("check after kill %d", run).isEmpty();
                // Snapshots of this run: every reported one is there with its root hash.
                for (var c : committed.entrySet()) {
                    if (!c.getKey().startsWith(run + "/")) {
                        continue;
                    }
                    String tag = c.getKey().substring(c.getKey().indexOf('/') + 1);
                    Snapshot s = pool.resolveSnapshot("v@" + tag);
                    assertThat(s.rootHashHex())
                            .as("root of %s", c.getKey())
                            .isEqualTo(c.getValue());
                }
                // Tags are unique per volume: clear them for the next run.
                for (Snapshot s : pool.snapshots()) {
                    pool.deleteSnapshot(s.id());
                }
                assertThat(pool.check(false).problems()).isEmpty();
            }
        }
        assertThat(committed.size()).isGreaterThanOrEqualTo(3 + 4 + 5 + 6);
        assertThat(new File(dir.toFile(), Pool.LOCK)).exists();
    }

    /**
     * Killed {@code exoclone write} processes (SIGKILL in the middle of a stream from
     * /dev/urandom): the volume is unchanged, nothing of the killed writes stays visible, and the
     * space they took is dead, not leaked: check says so and compact gives it back.
     */
    @Test
    void killedWritersLeakNoSpace() throws Exception {
        Path dir = tmp.resolve("pool");
        byte[] base = new byte[8 << 20];
        new java.util.Random(3).nextBytes(base);
        try (Pool pool = Pool.create(dir)) {
            pool.createVolume("v", 256L << 20).write(0, base);
        }
        Path segments = dir.resolve(Engine.SEGMENTS);
        for (int run = 0; run < 3; run++) {
            Process p =
                    TestJvm.builder(
                                    "io.exoclone.cli.Main",
                                    "--pool",
                                    dir.toString(),
                                    "write",
                                    "v",
                                    "--from",
                                    "/dev/urandom")
                            .redirectErrorStream(true)
                            .redirectOutput(tmp.resolve("write-" + run + ".out").toFile())
                            .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (SmallFileSystem.du(segments) < ((40L + 30 * run) << 20)
                    && System.nanoTime() < deadline
                    && p.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(p.isAlive())
                    .as(
                            "writer %d: %s",
                            run, Files.readString(tmp.resolve("write-" + run + ".out")))
                    .isTrue();
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        try (Pool pool = Pool.open(dir)) {
            assertThat(pool.volumes()).extracting(Volume::name).containsExactly("v");
            assertThat(pool.volume("v").readVerified(0, base.length)).isEqualTo(base);
            assertThat(pool.volume("v").readVerified(base.length, 1 << 20))
                    .isEqualTo(new byte[1 << 20]);
            CheckReport before = pool.check();
            assertThat(before.problems()).isEmpty();
            assertThat(before.space().leakedBytes()).isZero();
            long du = SmallFileSystem.du(segments);
            long reclaimed = pool.compact();
            CheckReport after = pool.check();
            System.out.printf(
                    "KillDashNineITCase: after 3 killed writers, segments %d bytes (%d live, %d on"
                            + " disk); compact returned %d; after: %d on disk%n",
                    before.space().segmentBytes(),
                    before.space().liveBytes(),
                    du,
                    reclaimed,
                    after.space().allocatedBytes());
            assertThat(after.problems()).isEmpty();
            assertThat(after.space().allocatedBytes())
                    .isLessThan(after.space().liveBytes() + (2 << 20));
        }
    }
}
