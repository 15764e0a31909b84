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
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p =
                    new ProcessBuilder(
                                    java,
                                    "-cp",
                                    System.getProperty("java.class.path"),
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
}
