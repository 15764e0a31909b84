package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.assertSameBytes;
import static io.exoclone.cli.CliWorkflowTest.ok;
import static io.exoclone.cli.CliWorkflowTest.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that cannot be sized ({@code /dev/zero}, stdin) is written as one change or not at all;
 * damaged storage makes {@code read} and {@code export} fail with exit 5 instead of returning wrong
 * bytes.
 */
class CliStreamsAndDamageTest {
    @TempDir Path tmp;
    private Path pool;
    private CliRunner cli;
    private byte[] first;

    @BeforeEach
    void volumeWithData() {
        pool = tmp.resolve("p");
        cli = new CliRunner(pool);
        ok(cli.run("pool", "init", pool.toString()));
        ok(cli.run("volume", "create", "v", "--size", "16M"));
        first = random(1 << 20, 11);
        ok(cli.runWithInput(first, "write", "v"));
    }

    private void assertVolumeHoldsFirstOnly() {
        byte[] want = Arrays.copyOf(first, 16 << 20);
        assertSameBytes(ok(cli.run("read", "v")).stdout(), want);
        assertThat(ok(cli.run("volume", "list")).lines()).hasSize(1);
        CliRunner.Result check = ok(cli.run("check"));
        assertThat(check.out()).contains("leaked 0 B");
    }

    @Test
    void endlessInputChangesNothing() {
        CliRunner.Result r = cli.run("write", "v", "--offset", "1M", "--from", "/dev/zero");
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("longer than").contains("nothing was written");
        assertVolumeHoldsFirstOnly();
        r = cli.run("write", "v", "--from", "/dev/urandom");
        assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
        assertVolumeHoldsFirstOnly();
        // The dead space of the refused writes goes back to the file system.
        ok(cli.run("compact"));
        assertThat(ok(cli.run("check")).out()).contains("1.0 MiB live");
    }

    @Test
    void stdinThatFitsIsWrittenWithDashOrWithoutFrom() {
        byte[] more = random(3 << 20, 12);
        ok(cli.runWithInput(more, "write", "v", "--offset", "2M", "--from", "-"));
        ok(cli.runWithInput(more, "write", "v", "--offset", "8M"));
        assertSameBytes(
                ok(cli.run("read", "v", "--offset", "2M", "--length", "3M")).stdout(), more);
        assertSameBytes(
                ok(cli.run("read", "v", "--offset", "8M", "--length", "3M")).stdout(), more);
    }

    @Test
    void damagedStorageIsAnErrorNeverWrongBytes() throws Exception {
        ok(cli.run("snapshot", "v", "--tag", "s"));
        Path seg;
        try (var s = Files.list(pool.resolve("segments"))) {
            seg = s.filter(p -> p.toString().endsWith(".dat")).sorted().findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.seek(200_000);
            f.write(f.read() ^ 0x01);
        }
        for (String image : new String[] {"v", "v@s"}) {
            CliRunner.Result r = cli.run("read", image);
            assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.CORRUPT);
            assertThat(r.err()).contains(seg.getFileName().toString()).contains("SHA-256");
        }
        CliRunner.Result export = cli.run("export", "v@s", "--to", tmp.resolve("s.exo").toString());
        assertThat(export.code()).as("%s", export).isEqualTo(ExitCodes.CORRUPT);
        assertThat(tmp.resolve("s.exo")).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }
        // --no-verify reads the raw bytes, as before; the range without the damage is fine.
        assertThat(ok(cli.run("read", "v", "--no-verify")).stdout()).hasSize(16 << 20);
        assertSameBytes(
                ok(cli.run("read", "v", "--length", "128K")).stdout(),
                Arrays.copyOf(first, 128 << 10));
        assertThat(cli.run("check").code()).isEqualTo(ExitCodes.CORRUPT);
    }
}
