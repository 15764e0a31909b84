package io.exoclone.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.ExitCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --volume --every} snapshots inside the service; the start line names it all. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServeComponentsITCase {
    @TempDir Path tmp;

    @Test
    void scheduledSnapshotsOfChangedVolumes() throws Exception {
        Path pool = tmp.resolve("p");
        Cli cli = new Cli(pool);
        assertThat(cli.run("pool", "init", pool.toString()).code()).isZero();
        assertThat(cli.run("volume", "create", "vm1", "--size", "4M").code()).isZero();
        assertThat(cli.run("volume", "create", "vm2", "--size", "4M").code()).isZero();
        assertThat(cli.run(new byte[] {1, 2, 3}, "write", "vm1").code()).isZero();
        try (Served s = Served.start(pool, "--volume", "vm1", "--volume", "vm2", "--every", "1s")) {
            assertThat(s.process().stdout())
                    .matches(
                            java.util.regex.Pattern.quote(
                                            "Serving pool " + pool + " (pid " + s.pid() + "): ")
                                    + "nbd://127\\.0\\.0\\.1:[0-9]+, "
                                    + java.util.regex.Pattern.quote(
                                            "snapshots of vm1, vm2 every 1s, control socket "
                                                    + pool.resolve("serve.sock")
                                                    + "; Ctrl-C stops"));
            // vm1 was written, vm2 never: the first round snapshots both, once.
            List<String> first =
                    s.process()
                            .awaitErr(
                                    l -> l.matches("Snapshot \\S+ of volume 'vm[12]'"),
                                    2,
                                    Duration.ofSeconds(30));
            assertThat(cli.run(new byte[] {4}, "write", "vm2", "--offset", "9").code()).isZero();
            List<String> second =
                    s.process()
                            .awaitErr(
                                    l -> l.matches("Snapshot \\S+ of volume 'vm[12]'"),
                                    3,
                                    Duration.ofSeconds(30));
            assertThat(second.get(2)).endsWith("of volume 'vm2'");
            Thread.sleep(2500);
            assertThat(s.process().stderr().lines().filter(l -> l.startsWith("Snapshot ")))
                    .as("nothing changed since")
                    .hasSize(3);
            String log = cli.run("log", "vm2").out();
            assertThat(log).contains(second.get(2).split(" ")[1].substring(0, 8));
            assertThat(first).hasSize(2);
            s.stop();
        }
    }

    @Test
    void aMissingVolumeOrChangeFeedIsOneLineAtStart() throws Exception {
        Path pool = tmp.resolve("p");
        Cli cli = new Cli(pool);
        assertThat(cli.run("pool", "init", pool.toString()).code()).isZero();
        try (CliProcess p =
                CliProcess.start(
                        "--pool",
                        pool.toString(),
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--volume",
                        "vm9")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(p.stderr()).isEqualTo("exoclone: No volume named 'vm9' in pool " + pool);
        }
        // This module's class path has no change feed (the connectors module brings it).
        try (CliProcess p =
                CliProcess.start(
                        "--pool",
                        pool.toString(),
                        "serve",
                        "--listen",
                        "127.0.0.1:0",
                        "--bootstrap",
                        "127.0.0.1:9")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(ExitCodes.GENERIC);
            assertThat(p.stderr())
                    .startsWith("exoclone: The change feed is not on the class path")
                    .doesNotContain("\n");
        }
        assertThat(cli.run("check").code()).as("the pool is free again").isZero();
    }
}
