package io.exoclone.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.exoclone.engine.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code ./exoclone} launcher as a child process, from another directory, piping
 * binary data through {@code write} (stdin) and {@code read} (stdout).
 */
class LauncherTest {
    @TempDir Path tmp;
    Path script;

    @BeforeEach
    void findScript() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("exoclone"))) {
            dir = dir.getParent();
        }
        assumeTrue(
                dir != null,
                "the ./exoclone launcher is not above " + Path.of("").toAbsolutePath());
        script = dir.resolve("exoclone");
    }

    /** With the test's own classpath: runs in every build, so the script's plumbing is tested. */
    @Test
    void pipesBinaryDataThroughWriteAndRead() throws Exception {
        Map<String, String> env = new HashMap<>();
        String cp = System.getProperty("surefire.test.class.path");
        env.put("EXOCLONE_CLASSPATH", cp != null ? cp : System.getProperty("java.class.path"));
        roundTrip(env);
    }

    /** With the build output the launcher uses by default (skipped when it is not built). */
    @Test
    void runsTheBuiltClasspath() throws Exception {
        Path cpFile = script.getParent().resolve("flink-jobs/target/exoclone.classpath");
        assumeTrue(
                Files.exists(cpFile),
                "no launcher build output at "
                        + cpFile
                        + ": run 'mvn -DskipTests package' from the repository root first");
        Map<String, String> env = new HashMap<>();
        env.put("EXOCLONE_NO_BUILD", "1");
        Run version = run(env, null, null, "--version");
        assumeTrue(
                version.code != 1 || !version.err.contains("stale"),
                "the launcher's build output is older than the sources: " + version.err);
        assertThat(version.code).as(version.toString()).isZero();
        assertThat(version.out).startsWith("exoclone ");
        roundTrip(env);
    }

    private void roundTrip(Map<String, String> env) throws Exception {
        Path pool = tmp.resolve("pool");
        env.put(Main.POOL_ENV, pool.toString());
        ok(run(env, null, null, "pool", "init"));
        ok(run(env, null, null, "volume", "create", "v", "--size", "4M"));

        byte[] data = new byte[(3 << 20) + 17];
        new Random(7).nextBytes(data);
        for (int i = 0; i < 256; i++) {
            data[i] = (byte) i; // every byte value, including \r, \n, 0 and 0xff
        }
        Path in = tmp.resolve("in.bin");
        Files.write(in, data);
        ok(run(env, in, null, "write", "v", "--offset", "777"));

        Path out = tmp.resolve("out.bin");
        ok(run(env, null, out, "read", "v", "--offset", "777", "--length", "" + data.length));
        CliWorkflowTest.assertSameBytes(Files.readAllBytes(out), data);

        // arguments with spaces reach the command intact
        Path spaced = Files.createDirectories(tmp.resolve("a dir")).resolve("out 2.bin");
        ok(run(env, null, null, "read", "v", "--length", "1M", "--to", spaced.toString()));
        CliWorkflowTest.assertSameBytes(
                Arrays.copyOfRange(Files.readAllBytes(spaced), 777, 1 << 20),
                Arrays.copyOfRange(data, 0, (1 << 20) - 777));

        Run missing = run(env, null, null, "read", "nosuch");
        assertThat(missing.code).as(missing.toString()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err.lines()).singleElement().asString().startsWith("exoclone: ");

        try (Pool held = Pool.open(pool)) {
            Run locked = run(env, null, null, "volume", "list");
            assertThat(locked.code).as(locked.toString()).isEqualTo(ExitCodes.LOCKED);
        }
    }

    private static void ok(Run r) {
        assertThat(r.code).as(r.toString()).isZero();
    }

    /** Runs the launcher in the temp directory; stdin from a file or empty, stdout to a file. */
    private Run run(Map<String, String> env, Path stdin, Path stdout, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile());
        pb.environment().putAll(env);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("EXOCLONE_JAVA_OPTS");
        Path out = stdout != null ? stdout : tmp.resolve("stdout.txt");
        Path err = tmp.resolve("stderr.txt");
        pb.redirectInput(
                stdin != null
                        ? ProcessBuilder.Redirect.from(stdin.toFile())
                        : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("exoclone " + String.join(" ", args) + " timed out");
        }
        return new Run(
                p.exitValue(),
                stdout != null ? "" : Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }
}
