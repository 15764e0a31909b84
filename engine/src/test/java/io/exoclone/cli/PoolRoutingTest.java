package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one decision of {@link PoolCommand}: open the pool, or hand the command line to the service
 * that holds it ({@link TestPoolServices} stands for {@code exoclone serve} here), and what a
 * command line run inside the service ({@link InService}) does with the shared pool.
 */
class PoolRoutingTest {
    @TempDir Path tmp;
    private Path pool;

    @BeforeEach
    void pool() {
        pool = tmp.resolve("p");
        ok(new CliRunner(pool).run("pool", "init", pool.toString()));
        ok(new CliRunner(pool).run("volume", "create", "vm1", "--size", "1M"));
        synchronized (TestPoolServices.CALLS) {
            TestPoolServices.CALLS.clear();
        }
    }

    private List<String> calls() {
        synchronized (TestPoolServices.CALLS) {
            return List.copyOf(TestPoolServices.CALLS);
        }
    }

    @Test
    void aServedPoolGetsTheCommandLineAndItsExitCodeComesBack() throws Exception {
        Files.createFile(pool.resolve(TestPoolServices.MARKER));
        CliRunner.Result r = new CliRunner(pool).run("snapshot", "vm1", "--tag", "t");
        assertThat(r.code()).isEqualTo(TestPoolServices.EXIT);
        assertThat(r.out()).isEqualTo("forwarded\n");
        assertThat(calls())
                .containsExactly(
                        "find " + pool,
                        "run [--pool, "
                                + pool
                                + ", snapshot, vm1, --tag, t] in "
                                + Path.of("").toAbsolutePath()
                                + " signals=false",
                        "close");
    }

    @Test
    void usageErrorsStayInTheClient() throws Exception {
        Files.createFile(pool.resolve(TestPoolServices.MARKER));
        CliRunner.Result r = new CliRunner(pool).run("write", "vm1", "--bogus");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).startsWith("exoclone: Unknown option: '--bogus'");
        assertThat(calls()).as("the service is not even looked for").isEmpty();
        assertThat(new CliRunner(pool).run("write", "vm1", "--help").code()).isZero();
        assertThat(calls()).isEmpty();
    }

    @Test
    void aPoolNobodyServesIsOpenedHere() {
        CliRunner.Result r = ok(new CliRunner(pool).run("volume", "list"));
        assertThat(r.out()).startsWith("vm1 ");
        assertThat(calls()).containsExactly("find " + pool);
    }

    @Test
    void aVerbThatHoldsThePoolIsRefusedOnAServedOne() throws Exception {
        Files.createFile(pool.resolve(TestPoolServices.MARKER));
        CliRunner.Result r = new CliRunner(pool).run("hold-pool");
        assertThat(r.code()).isEqualTo(ExitCodes.LOCKED);
        assertThat(r.err())
                .isEqualTo(
                        "exoclone: Pool "
                                + pool
                                + " is served by the test service; only one process may hold a"
                                + " pool, stop it first\n");
        assertThat(calls()).containsExactly("find " + pool, "close");
    }

    @Test
    void insideTheServiceVerbsShareThePoolResolvePathsAgainstTheClientAndCommit() throws Exception {
        Path client = Files.createDirectories(tmp.resolve("client"));
        byte[] data = new byte[10_000];
        new Random(3).nextBytes(data);
        Files.write(client.resolve("in.bin"), data);
        try (Pool shared = Pool.open(pool)) {
            Run w = run(shared, client, new byte[0], "write", "vm1", "--from", "in.bin");
            assertThat(w.code).as(w.err).isZero();
            assertThat(w.out).contains("Wrote 10000 bytes");
            Run r =
                    run(
                            shared,
                            client,
                            new byte[0],
                            "read",
                            "vm1",
                            "--length",
                            "10000",
                            "--to",
                            "out.bin");
            assertThat(r.code).as(r.err).isZero();
            assertThat(r.out).endsWith("into " + client.resolve("out.bin") + "\n");
            assertThat(Files.readAllBytes(client.resolve("out.bin"))).isEqualTo(data);
            Run bad = run(shared, client, new byte[0], "rm", "nosuch");
            assertThat(bad.code).isEqualTo(ExitCodes.NOT_FOUND);
            assertThat(bad.err).startsWith("exoclone: No volume or snapshot named 'nosuch'");
            Run held = run(shared, client, new byte[0], "hold-pool");
            assertThat(held.code).isEqualTo(ExitCodes.LOCKED);
            assertThat(held.err)
                    .isEqualTo(
                            "exoclone: 'exoclone hold-pool' cannot run inside the service that"
                                    + " holds pool "
                                    + pool
                                    + "\n");
            assertThat(shared.volume("vm1").read(0, 10_000)).as("still open").isEqualTo(data);
            assertThat(calls()).as("inside the service nothing is looked for").isEmpty();
            long generation = shared.generation();
            assertThat(generation).as("the write was committed").isPositive();
        }
        try (Pool reopened = Pool.open(pool)) {
            assertThat(reopened.volume("vm1").read(0, 10_000)).isEqualTo(data);
        }
    }

    @Test
    void aStopRequestCancelsAVerbAtItsNextStep() throws Exception {
        try (Pool shared = Pool.open(pool)) {
            InService.Stop stop = new InService.Stop();
            stop.request();
            assertThat(stop.cancelled()).isTrue();
            Run r = run(shared, tmp, new byte[0], stop, "read", "vm1", "--to", "x.img");
            assertThat(r.code).isEqualTo(ExitCodes.INTERRUPTED);
            assertThat(r.err).as("cancelled quietly, like a Ctrl-C").isEmpty();
        }
    }

    private record Run(int code, String out, String err) {}

    private static Run run(Pool shared, Path cwd, byte[] stdin, String... args) {
        return run(shared, cwd, stdin, new InService.Stop(), args);
    }

    private static Run run(
            Pool shared, Path cwd, byte[] stdin, InService.Stop stop, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                InService.execute(
                        shared,
                        new Invocation(List.of(args), cwd, false),
                        new ByteArrayInputStream(stdin),
                        out,
                        err,
                        stop);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
