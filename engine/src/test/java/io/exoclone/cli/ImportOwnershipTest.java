package io.exoclone.cli;

import static io.exoclone.cli.CliWorkflowTest.assertSameBytes;
import static io.exoclone.cli.CliWorkflowTest.ok;
import static io.exoclone.cli.CliWorkflowTest.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An imported file stays its owner's: overwriting, truncating or appending to it in every way
 * {@code cp}, {@code dd conv=notrunc} and {@code truncate} do (the real tools) changes nothing in
 * the pool, which {@code read} and {@code check} show. {@code --move} takes the file over.
 */
class ImportOwnershipTest {
    private static final int SIZE = 4 << 20;

    @TempDir Path tmp;
    private CliRunner source;
    private CliRunner replica;
    private Path file;
    private Path other;
    private byte[] image;

    @BeforeEach
    void exportTwoExoclones() {
        Path a = tmp.resolve("a");
        source = new CliRunner(a);
        ok(source.run("pool", "init", a.toString()));
        ok(source.run("volume", "create", "vm1", "--size", Integer.toString(SIZE)));
        image = random(3 << 20, 7);
        ok(source.runWithInput(image, "write", "vm1"));
        ok(source.run("snapshot", "vm1", "--tag", "v1"));
        file = tmp.resolve("v1.exo");
        ok(source.run("export", "vm1@v1", "--to", file.toString()));
        ok(source.run("volume", "create", "vm2", "--size", Integer.toString(SIZE)));
        ok(source.runWithInput(random(3 << 20, 8), "write", "vm2"));
        ok(source.run("snapshot", "vm2", "--tag", "w1"));
        other = tmp.resolve("w1.exo");
        ok(source.run("export", "vm2@w1", "--to", other.toString()));
        Path b = tmp.resolve("b");
        replica = new CliRunner(b);
        ok(replica.run("pool", "init", b.toString()));
    }

    private static void sh(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", script, out).isZero();
    }

    private void assertPoolUnchanged(String after) {
        CliRunner.Result read = replica.run("read", "vm1@v1", "--length", Integer.toString(SIZE));
        assertThat(read.code()).as("read after %s: %s", after, read).isZero();
        byte[] want = java.util.Arrays.copyOf(image, SIZE);
        assertSameBytes(read.stdout(), want);
        CliRunner.Result check = replica.run("check");
        assertThat(check.code()).as("check after %s: %s", after, check).isZero();
        assertThat(check.out()).contains("leaked 0 B");
    }

    @Test
    void changingTheImportedFileInAnyWayChangesNothingInThePool() throws Exception {
        CliRunner.Result imported = ok(replica.run("import", file.toString()));
        assertThat(imported.out()).containsAnyOf("copied once", "reflinked");
        assertThat(Files.getAttribute(file, "unix:nlink")).isEqualTo(1);
        String f = file.toString();
        List<String> changes =
                List.of(
                        "cp " + other + " " + f, // O_TRUNC, then rewrite the same inode
                        "dd if=/dev/urandom of=" + f + " bs=4096 count=1 conv=notrunc",
                        "dd if=/dev/urandom of=" + f + " bs=4096 seek=300 count=8 conv=notrunc",
                        "dd if=/dev/urandom of=" + f + " bs=1 seek=1000000 count=3 conv=notrunc",
                        "dd if=/dev/urandom of=" + f + " bs=4096 count=2 oflag=append conv=notrunc",
                        "cat " + other + " >> " + f,
                        "truncate -s -4096 " + f,
                        "truncate -s 1M " + f,
                        "truncate -s +64M " + f,
                        "truncate -s 0 " + f,
                        "cp " + other + " " + f,
                        "rm " + f);
        for (String change : changes) {
            sh(change);
            assertPoolUnchanged(change);
        }
    }

    @Test
    void moveRenamesTheFileIntoThePoolWithoutACopy() throws Exception {
        Object inode = Files.getAttribute(file, "unix:ino");
        CliRunner.Result imported = ok(replica.run("import", "--move", file.toString()));
        assertThat(imported.out()).contains("moved in: no copy");
        assertThat(file).doesNotExist();
        // The very inode is now one of the pool's segments, with no other name.
        boolean found = false;
        try (var s = Files.list(tmp.resolve("b").resolve("segments"))) {
            for (Path seg : (Iterable<Path>) s::iterator) {
                if (Files.getAttribute(seg, "unix:ino").equals(inode)) {
                    found = true;
                    assertThat(Files.getAttribute(seg, "unix:nlink")).isEqualTo(1);
                }
            }
        }
        assertThat(found).isTrue();
        assertThat(tmp.resolve("b").resolve("staging")).isEmptyDirectory();
        // A new file under the old name is somebody else's.
        sh("cp " + other + " " + file);
        assertPoolUnchanged("a new file under the moved name");
    }

    @Test
    void aFailedMoveLeavesTheFileWhereItWas() throws Exception {
        Path child = tmp.resolve("v2.exo");
        ok(source.runWithInput(random(4096, 9), "write", "vm1", "--offset", "0"));
        ok(source.run("snapshot", "vm1", "--tag", "v2"));
        ok(source.run("export", "vm1@v2", "--to", child.toString()));
        long size = Files.size(child);
        CliRunner.Result r = replica.run("import", "--move", child.toString());
        assertThat(r.code()).isEqualTo(ExitCodes.NOT_FOUND); // its parent is missing
        assertThat(child).exists().hasSize(size);
        ok(replica.run("import", "--move", file.toString()));
        ok(replica.run("import", "--move", child.toString()));
        assertThat(child).doesNotExist();
        ok(replica.run("check"));
    }

    @Test
    void importReadsStdinAndCopyStillWorks() throws Exception {
        CliRunner.Result r = ok(replica.runWithInput(Files.readAllBytes(file), "import", "-"));
        assertThat(r.out()).contains("in place");
        assertPoolUnchanged("an import from stdin");
        ok(replica.run("rm", "vm1@v1"));
        CliRunner.Result copy = ok(replica.run("import", "--copy", file.toString()));
        assertThat(copy.out()).contains("none adopted");
        sh("dd if=/dev/urandom of=" + file + " bs=4096 seek=10 count=4 conv=notrunc");
        assertPoolUnchanged("--copy, then dd over the file");
        assertThat(replica.run("import", "--copy", "--move", file.toString()).code())
                .isEqualTo(ExitCodes.USAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"import", "verify", "inspect"})
    void aFifoIsRefusedAtOnce(String verb) throws Exception {
        Path fifo = tmp.resolve("pipe.exo");
        sh("mkfifo " + fifo);
        long t0 = System.nanoTime();
        CliRunner.Result r = replica.run(verb, fifo.toString());
        assertThat(r.code()).as("%s", r).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("a FIFO").contains(fifo.toString());
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(10));
    }
}
