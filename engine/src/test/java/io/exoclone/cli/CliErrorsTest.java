package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.bytes;
import static io.exoclone.cli.CliWorkflowTest.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors: one line on stderr, no stack trace, and a distinct exit code per kind. */
class CliErrorsTest {
    @TempDir Path tmp;
    Path pool;
    CliRunner cli;

    @BeforeEach
    void initPool() {
        pool = tmp.resolve("pool");
        cli = new CliRunner(pool);
        ok(cli.run("pool", "init", pool.toString()));
        ok(cli.run("volume", "create", "vm1", "--size", "1M"));
    }

    @Test
    void unknownVolumeIsNotFound() {
        CliRunner.Result r = failsWith(ExitCodes.NOT_FOUND, cli.run("read", "nosuch"));
        assertThat(r.err()).startsWith("exoclone: ").contains("'nosuch'");
        assertThat(r.stdout()).isEmpty();
        failsWith(ExitCodes.NOT_FOUND, cli.run("snapshot", "nosuch"));
        failsWith(ExitCodes.NOT_FOUND, cli.run("clone", "nosuch@tag", "x"));
        failsWith(ExitCodes.NOT_FOUND, cli.run("rm", "nosuch"));
    }

    @Test
    void badSizeSuffixIsAUsageError() {
        CliRunner.Result r =
                failsWith(ExitCodes.USAGE, cli.run("volume", "create", "x", "--size", "4Q"));
        assertThat(r.err()).contains("'4Q'").contains("K, M, G or T");
        failsWith(ExitCodes.USAGE, cli.run("volume", "create", "x", "--size", "1.5G"));
        failsWith(ExitCodes.USAGE, cli.run("read", "vm1", "--offset", "-1"));
        failsWith(ExitCodes.USAGE, cli.run("volume", "create", "x", "--size", "99999999T"));
        try (Pool p = Pool.open(pool)) {
            assertThat(p.findVolume("x")).isEmpty();
        }
    }

    @Test
    void lockedPoolExitsWith4() {
        try (Pool held = Pool.open(pool)) {
            CliRunner.Result r = failsWith(ExitCodes.LOCKED, cli.run("volume", "list"));
            assertThat(r.err()).contains("in use");
        }
        ok(cli.run("volume", "list"));
    }

    @Test
    void usageErrors() {
        assertThat(failsWith(ExitCodes.USAGE, cli.run("snapshto", "vm1")).err())
                .contains("snapshot");
        failsWith(ExitCodes.USAGE, cli.run("volume", "create", "x"));
        failsWith(ExitCodes.USAGE, cli.run("clone", "x"));
        failsWith(ExitCodes.USAGE, cli.run("volume"));
        assertThat(new CliRunner(null).run().code()).isEqualTo(ExitCodes.USAGE);
        CliRunner.Result noPool = new CliRunner(null).run("volume", "list");
        assertThat(failsWith(ExitCodes.USAGE, noPool).err()).contains("--pool");
    }

    @Test
    void notAPool() {
        CliRunner other = new CliRunner(tmp.resolve("nothing-here"));
        assertThat(failsWith(ExitCodes.NOT_FOUND, other.run("stat")).err())
                .contains("No exoclone pool");
        failsWith(ExitCodes.USAGE, cli.run("pool", "init", pool.toString())); // not empty
    }

    @Test
    void badRangesAndReadOnlySnapshotsLeaveThePoolUnchanged() throws IOException {
        Path big = tmp.resolve("big.bin");
        Files.write(big, CliWorkflowTest.random((1 << 20) + 1, 9));
        failsWith(ExitCodes.USAGE, cli.run("write", "vm1", "--from", big.toString()));
        failsWith(ExitCodes.USAGE, cli.run("write", "vm1", "--offset", "2M"));
        failsWith(ExitCodes.USAGE, cli.run("read", "vm1", "--offset", "1M", "--length", "1"));
        assertThat(
                        failsWith(
                                        ExitCodes.NOT_FOUND,
                                        cli.run("write", "vm1", "--from", "/nonexistent/f"))
                                .err())
                .contains("/nonexistent/f");

        ok(cli.run("snapshot", "vm1", "--tag", "s"));
        assertThat(failsWith(ExitCodes.USAGE, cli.runWithInput(bytes("x"), "write", "vm1@s")).err())
                .contains("read-only");
        assertThat(failsWith(ExitCodes.NOT_FOUND, cli.run("clone", "vm1", "vm2")).err())
                .contains("is a volume");
        failsWith(ExitCodes.USAGE, cli.run("snapshot", "vm1", "--tag", "s")); // tag taken

        byte[] all = ok(cli.run("read", "vm1")).stdout();
        assertThat(all).hasSize(1 << 20).containsOnly(0);
        ok(cli.run("check"));
    }

    @Test
    void stdinLongerThanTheVolumeIsRejected() {
        CliRunner.Result r =
                cli.runWithInput(new byte[(1 << 20) - 10], "write", "vm1", "--offset", "11");
        assertThat(failsWith(ExitCodes.USAGE, r).err()).contains("longer");
    }

    @Test
    void debugPrintsTheStackTrace() {
        CliRunner.Result r = cli.run("--debug", "read", "nosuch");
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(r.err()).contains("NotFoundException").contains("\tat ");
    }

    @Test
    void corruptDataFailsCheckWithTheProblemsListed() throws IOException {
        ok(cli.runWithInput(CliWorkflowTest.random(64 << 10, 5), "write", "vm1"));
        Path segment;
        try (Stream<Path> files = Files.walk(pool)) {
            segment =
                    files.filter(Files::isRegularFile)
                            .filter(f -> f.getParent().getFileName().toString().equals("segments"))
                            .filter(f -> f.toFile().length() >= 64 << 10)
                            .findFirst()
                            .orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 4096 * 3 + 100);
        }
        CliRunner.Result r = cli.run("check");
        assertThat(r.code()).as(r.toString()).isEqualTo(ExitCodes.CORRUPT);
        assertThat(r.lines()).isNotEmpty();
        assertThat(r.errLines()).singleElement().asString().contains("problem");
    }

    /** Asserts the exit code and that stderr is exactly one line without a stack trace. */
    static CliRunner.Result failsWith(int code, CliRunner.Result r) {
        assertThat(r.code()).as(r.toString()).isEqualTo(code);
        List<String> err = r.errLines();
        assertThat(err).as(r.toString()).hasSize(1);
        assertThat(err.get(0)).startsWith("exoclone: ").doesNotContain("Exception");
        return r;
    }
}
