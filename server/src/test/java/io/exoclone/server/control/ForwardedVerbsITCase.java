package io.exoclone.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.engine.Pool;
import io.exoclone.server.Cli;
import io.exoclone.server.Served;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every pool verb, with its errors, run twice on two identical copies of a pool: once directly,
 * once while the copy is served by a real {@code exoclone serve} process (so the verb goes through
 * the control socket). Output and exit codes must be the same, once the pool's path, new snapshot
 * ids and times are masked; binary output byte for byte.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ForwardedVerbsITCase {
    @TempDir Path tmp;

    /** One command line; {@code {root}} stands for the side's directory. */
    private record Step(byte[] stdin, String... args) {
        static Step of(String... args) {
            return new Step(new byte[0], args);
        }
    }

    @Test
    void everyVerbHasTheSameOutputAndExitCodeThroughTheService() throws Exception {
        Path direct = tmp.resolve("direct");
        Path served = tmp.resolve("served");
        Files.createDirectories(direct);
        prepare(direct.resolve("pool"));
        copyTree(direct, served);

        byte[] piped = bytes(5000, 3);
        List<Step> steps =
                List.of(
                        Step.of("volume", "list"),
                        Step.of("volume", "list", "--json"),
                        Step.of("volume", "create", "vm2", "--size", "4M"),
                        Step.of("write", "vm1", "--offset", "1M", "--from", "{root}/data2.bin"),
                        new Step(piped, "write", "vm2", "--offset", "100"),
                        Step.of("read", "vm1", "--offset", "1M", "--length", "64K"),
                        Step.of("read", "vm2", "--to", "{root}/vm2.img"),
                        Step.of("trim", "vm1", "--offset", "2M", "--length", "64K"),
                        Step.of("snapshot", "vm1", "--tag", "v2"),
                        Step.of("commit", "vm2"),
                        Step.of("clone", "vm1@base", "vm3"),
                        Step.of("write", "vm3", "--from", "{root}/data3.bin"),
                        Step.of("snapshot", "vm3", "--tag", "c1"),
                        Step.of("diff", "vm1@base", "vm1@v2"),
                        Step.of("diff", "vm1@base", "vm1@v2", "--json"),
                        Step.of("diff", "vm1@v2"),
                        Step.of("log"),
                        Step.of("log", "vm1"),
                        Step.of("log", "vm3", "--json"),
                        Step.of("stat"),
                        Step.of("stat", "--json"),
                        Step.of("check"),
                        Step.of("check", "--metadata-only"),
                        Step.of("export", "vm1@base", "--to", "{root}/base.exo"),
                        Step.of("export", "vm1@v2", "--to", "{root}/v2.exo", "--compress", "lz4"),
                        Step.of("export", "vm1@v2", "--dry-run"),
                        Step.of("export", "vm1@v2", "--since", "vm1@base", "--dry-run", "--json"),
                        Step.of("import", "{root}/v2.exo"),
                        Step.of("rebase", "vm3", "--onto", "vm1@v2"),
                        Step.of("snapshot", "vm3", "--tag", "c2"),
                        Step.of("merge", "vm1", "vm3@c2", "--tag", "m"),
                        Step.of("read", "vm1", "--to", "-", "--offset", "0", "--length", "8K"),
                        Step.of("compact"),
                        Step.of("rm", "vm2"),
                        Step.of("volume", "list"),
                        // errors
                        Step.of("rm", "nosuch"),
                        Step.of("rm", "vm3", "nosuch"),
                        Step.of("read", "nosuch"),
                        Step.of("write", "vm1", "--offset", "9M", "--from", "{root}/data2.bin"),
                        Step.of("write", "vm1@v2", "--from", "{root}/data2.bin"),
                        Step.of("read", "vm1", "--offset", "1M", "--length", "8M"),
                        Step.of("write", "vm1", "--bogus"),
                        Step.of("snapshot"),
                        Step.of("export", "vm1@v2"),
                        Step.of("export", "vm1", "--to", "{root}/x.exo"),
                        Step.of("import", "{root}/nosuch.exo"),
                        Step.of("volume", "create", "vm1", "--size", "4M"),
                        Step.of("volume", "create", "bad/name", "--size", "4M"),
                        Step.of("clone", "vm1@base", "vm1"),
                        Step.of("check"));

        List<Cli.Result> expected = runAll(new Cli(direct.resolve("pool")), steps, direct);
        List<Cli.Result> actual;
        try (Served s = Served.start(served.resolve("pool"))) {
            actual = runAll(new Cli(served.resolve("pool")), steps, served);
            s.stop();
        }
        for (int i = 0; i < steps.size(); i++) {
            String what = String.join(" ", steps.get(i).args());
            Cli.Result e = expected.get(i);
            Cli.Result a = actual.get(i);
            assertThat(a.code()).as("exit code of '%s'\n%s\n%s", what, e, a).isEqualTo(e.code());
            if (what.startsWith("read vm1 --offset 1M --length 64K") || what.contains("--to -")) {
                assertThat(a.stdout()).as("bytes of '%s'", what).isEqualTo(e.stdout());
            } else {
                assertThat(mask(a.out(), served))
                        .as("stdout of '%s'", what)
                        .isEqualTo(mask(e.out(), direct));
            }
            assertThat(mask(a.err(), served))
                    .as("stderr of '%s'", what)
                    .isEqualTo(mask(e.err(), direct));
        }
        assertThat(expected.stream().map(Cli.Result::code).distinct())
                .as("the steps cover success and the error codes")
                .contains(0, 2, 3);
        assertThat(Files.readAllBytes(served.resolve("vm2.img")))
                .isEqualTo(Files.readAllBytes(direct.resolve("vm2.img")));
        try (Pool p = Pool.open(served.resolve("pool"))) {
            assertThat(p.check().ok()).as("the served pool after serve stopped").isTrue();
            assertThat(p.findVolume("vm3")).isPresent();
        }
    }

    private List<Cli.Result> runAll(Cli cli, List<Step> steps, Path root) {
        List<Cli.Result> out = new ArrayList<>();
        for (Step s : steps) {
            String[] args = new String[s.args().length];
            for (int i = 0; i < args.length; i++) {
                args[i] = s.args()[i].replace("{root}", root.toString());
            }
            out.add(cli.run(s.stdin(), args));
        }
        return out;
    }

    /** The side's directory, full UUIDs, 8-digit id prefixes and times masked. */
    static String mask(String text, Path root) {
        return text.replace(root.toString(), "<root>")
                .replaceAll(
                        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                .replaceAll("\\b[0-9a-f]{8}\\b", "<id>")
                .replaceAll("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z?", "<time>");
    }

    private void prepare(Path pool) throws IOException {
        Cli cli = new Cli(pool);
        Path root = pool.getParent();
        Files.write(root.resolve("data1.bin"), bytes(600 << 10, 1));
        Files.write(root.resolve("data2.bin"), bytes(300 << 10, 2));
        Files.write(root.resolve("data3.bin"), bytes(40 << 10, 4));
        assertThat(new Cli(pool).run("pool", "init", pool.toString()).code()).isZero();
        assertThat(cli.run("volume", "create", "vm1", "--size", "8M").code()).isZero();
        assertThat(cli.run("write", "vm1", "--from", root.resolve("data1.bin").toString()).code())
                .isZero();
        assertThat(cli.run("snapshot", "vm1", "--tag", "base").code()).isZero();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
