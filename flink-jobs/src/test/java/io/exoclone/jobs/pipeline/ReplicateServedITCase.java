package io.exoclone.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.server.Cli;
import io.exoclone.server.CliProcess;
import io.exoclone.server.Served;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code exoclone replicate --from A} while a real {@code exoclone serve} holds A: the change feed
 * and the {@code --volume} snapshots run inside the service, writes keep arriving through it, and
 * Ctrl-C still loses nothing (the last write is snapshotted, published and applied before replicate
 * exits), while the service goes on serving.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ReplicateServedITCase {
    private static final Duration CATCH_UP = Duration.ofMinutes(2);

    @TempDir Path tmp;

    private final Random random = new Random(11);

    @Test
    void replicatesAServedPoolWhileItIsWrittenAndStopsWithoutLoss() throws Exception {
        Path a = tmp.resolve("site-a");
        Path b = tmp.resolve("site-b");
        try (Pool p = Pool.create(a)) {
            p.createVolume("vm1", 8 << 20).write(0, bytes(256 << 10));
            p.snapshot("vm1", "s1");
        }
        Cli cli = new Cli(a);
        try (Served served = Served.start(a)) {
            List<String> replicated;
            List<String> taken;
            try (CliProcess run =
                    ChildCli.start(
                            "replicate",
                            "--from",
                            a.toString(),
                            "--to",
                            b.toString(),
                            "--work",
                            tmp.resolve("work").toString(),
                            "--volume",
                            "vm1",
                            "--every",
                            "1s",
                            "--flink-conf",
                            "restart-strategy.type=none",
                            "--flink-conf",
                            "rest.bind-port=0")) {
                run.awaitErr(
                        l ->
                                l.equals(
                                        "Pool "
                                                + a
                                                + " is served by exoclone serve (pid "
                                                + served.pid()
                                                + "): its change feed and snapshots run there"),
                        1,
                        CATCH_UP);
                run.awaitOut(l -> l.startsWith("replicated "), 1, CATCH_UP);

                // Written through the service while replicate runs: its schedule snapshots it.
                assertThat(cli.run(bytes(128 << 10), "write", "vm1", "--offset", "1M").code())
                        .isZero();
                String scheduled =
                        run.awaitErr(l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 1, CATCH_UP)
                                .get(0)
                                .split(" ")[1];
                run.awaitOut(l -> l.startsWith("replicated " + scheduled), 1, CATCH_UP);

                // A snapshot taken by another client, and a write Ctrl-C comes right after.
                String tagged = cli.run("snapshot", "vm1", "--tag", "by-cli").lastLine();
                run.awaitOut(l -> l.startsWith("replicated " + tagged), 1, CATCH_UP);
                assertThat(cli.run(bytes(64 << 10), "write", "vm1", "--offset", "3M").code())
                        .isZero();
                run.interrupt();
                assertThat(run.waitFor(Duration.ofMinutes(3))).as("%s", run).isZero();
                replicated = run.out("replicated ");
                taken =
                        run.awaitErr(
                                l -> l.matches("Snapshot \\S+ of volume 'vm1'"), 2, Duration.ZERO);
                assertThat(run.ownStderr())
                        .as("%s", run)
                        .containsPattern(
                                "Stopped: (\\d+) snapshot\\(s\\) published, \\1 replicated")
                        .doesNotContain("not yet", "failed");
            }
            assertThat(served.process().alive()).as("serve goes on").isTrue();
            assertThat(cli.run("check").code()).isZero();
            // A served pool cannot be the replica: the replica job opens it itself.
            Cli.Result into = cli.run("replicate", "--from", b.toString(), "--to", a.toString());
            assertThat(into.code()).as("%s", into).isEqualTo(4);
            assertThat(into.err())
                    .isEqualTo(
                            "exoclone: Pool "
                                    + a
                                    + " is served by exoclone serve (pid "
                                    + served.pid()
                                    + "): the replica pool of replicate (--to) needs it for"
                                    + " itself; stop serve first\n");
            Cli.Result apply = cli.run("apply", "--bootstrap", "127.0.0.1:9");
            assertThat(apply.code()).as("%s", apply).isEqualTo(4);
            assertThat(apply.err()).contains("the replica pool of apply needs it for itself");
            served.stop();
            assertThat(served.process().stdout())
                    .as("the feed was the session's, not serve's")
                    .doesNotContain("published ");

            List<UUID> ids = Replicas.assertEqual(a, b);
            assertThat(ids.size())
                    .as("s1, scheduled, by-cli and the last one")
                    .isGreaterThanOrEqualTo(4);
            assertThat(replicated).hasSize(ids.size());
            String last = taken.get(taken.size() - 1).split(" ")[1];
            assertThat(replicated).anyMatch(l -> l.startsWith("replicated " + last + " "));
            try (Pool p = Pool.open(a)) {
                List<io.exoclone.engine.Snapshot> all = p.snapshots();
                UUID newest = all.get(all.size() - 1).id();
                assertThat(newest.toString()).as("taken at Ctrl-C").isEqualTo(last);
                assertThat(p.read(newest, 3 << 20, 64 << 10))
                        .as("the write before Ctrl-C is in it")
                        .isEqualTo(p.volume("vm1").read(3 << 20, 64 << 10));
            }
        }
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
