package io.exoclone.server.nbd;

import static org.assertj.core.api.Assertions.assertThat;

import io.exoclone.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real block clients the tests run (qemu-img, nbdinfo, fio...), and the exoclone CLI. */
final class Tools {
    /** Debian package of each client, for the message when it is missing. */
    private static final Map<String, String> PACKAGES =
            Map.of(
                    "qemu-img", "qemu-utils",
                    "qemu-io", "qemu-utils",
                    "qemu-nbd", "qemu-utils",
                    "nbdinfo", "libnbd-bin",
                    "nbdcopy", "libnbd-bin",
                    "fio", "fio",
                    "nbdkit", "nbdkit",
                    "mkfs.ext4", "e2fsprogs",
                    "e2fsck", "e2fsprogs",
                    "debugfs", "e2fsprogs");

    private Tools() {}

    /** Fails the test, naming the Debian package, when a client is not installed. */
    static void require(String... tools) {
        for (String t : tools) {
            boolean found =
                    Files.isExecutable(Path.of("/usr/bin", t))
                            || Files.isExecutable(Path.of("/usr/sbin", t))
                            || Files.isExecutable(Path.of("/sbin", t));
            assertThat(found)
                    .as(
                            "%s is not installed: these tests run real NBD clients"
                                    + " (apt-get install -y %s)",
                            t, PACKAGES.getOrDefault(t, t))
                    .isTrue();
        }
    }

    /** What a finished process printed. */
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit code; stdout:%n%s%nstderr:%n%s", out, err).isZero();
            return this;
        }
    }

    /** Runs a command to its end (at most {@code timeout}), collecting its output. */
    static Result run(Duration timeout, List<String> command) throws IOException {
        Path out = Files.createTempFile("exoclone-tool", ".out");
        Path err = Files.createTempFile("exoclone-tool", ".err");
        try {
            Process p =
                    new ProcessBuilder(command)
                            .redirectOutput(out.toFile())
                            .redirectError(err.toFile())
                            .redirectInput(
                                    ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                            .start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(
                            command
                                    + " still running after "
                                    + timeout
                                    + ": "
                                    + Files.readString(err));
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static Result run(String... command) throws IOException {
        return run(Duration.ofMinutes(2), List.of(command));
    }

    /** {@code qemu-img convert -n} of a raw image into an NBD export; fails the test on error. */
    static void qemuImgConvert(Path image, String uri) throws IOException {
        run("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), uri).ok();
    }

    /** {@code qemu-img compare} of a raw image with an NBD export: exit 0 when identical. */
    static Result qemuImgCompare(Path image, String uri) throws IOException {
        return run("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), uri);
    }

    /** {@code exoclone ARGS} in this JVM (the pool must not be served meanwhile). */
    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new Main(
                                new java.io.ByteArrayInputStream(new byte[0]),
                                out,
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of(),
                                false)
                        .execute(args);
        return new Result(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
