package io.exoclone.jobs.pipeline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code exoclone ARGS} in a JVM of its own (this test's class path, the launcher's logging setup),
 * with its stdout and stderr lines collected as they come, and Ctrl-C (a real SIGINT).
 */
public final class ChildCli implements AutoCloseable {
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private ChildCli(Process process) {
        this.process = process;
        follow(process.getInputStream(), out);
        follow(process.getErrorStream(), err);
    }

    static ChildCli start(String... args) throws IOException {
        Path root = Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-Dlog4j2.configurationFile=" + root.resolve("deploy/log4j2-cli.xml"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.exoclone.cli.Main");
        cmd.addAll(List.of(args));
        return new ChildCli(new ProcessBuilder(cmd).start());
    }

    /**
     * {@code ROOT/exoclone ARGS}: the launcher script of the checkout, as a user runs it, with
     * {@code EXOCLONE_NO_BUILD=1} (the build under test must be current). The launcher execs the
     * JVM, so {@link #interrupt()} reaches it.
     */
    public static ChildCli launcher(Path root, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("exoclone").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("EXOCLONE_NO_BUILD", "1");
        return new ChildCli(pb.start());
    }

    private static void follow(InputStream in, List<String> lines) {
        Thread t =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(in, StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    synchronized (lines) {
                                        lines.add(line);
                                        lines.notifyAll();
                                    }
                                }
                            } catch (IOException e) {
                                // the process is gone
                            }
                        },
                        "child-output");
        t.setDaemon(true);
        t.start();
    }

    /** Stdout lines starting with {@code prefix} so far. */
    public List<String> out(String prefix) {
        synchronized (out) {
            return out.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

    /** Waits until {@code count} stdout lines match; fails with both outputs otherwise. */
    public List<String> awaitOut(Predicate<String> match, int count, Duration timeout)
            throws InterruptedException {
        return await(out, match, count, timeout);
    }

    public List<String> awaitErr(Predicate<String> match, int count, Duration timeout)
            throws InterruptedException {
        return await(err, match, count, timeout);
    }

    private List<String> await(
            List<String> lines, Predicate<String> match, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                List<String> found = lines.stream().filter(match).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && found.size() < count) {
                    if (!process.isAlive()) {
                        Thread.sleep(200); // let the readers catch the last lines
                    }
                    throw new AssertionError(
                            "Expected "
                                    + count
                                    + " matching line(s), found "
                                    + found.size()
                                    + "\n"
                                    + this);
                }
                lines.wait(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
    }

    /** Ctrl-C. */
    public void interrupt() throws Exception {
        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
    }

    /** kill -9: no handler runs, nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Still running after " + timeout + "\n" + this);
        }
        Thread.sleep(200);
        return process.exitValue();
    }

    public String stdout() {
        synchronized (out) {
            return String.join("\n", out);
        }
    }

    public String stderr() {
        synchronized (err) {
            return String.join("\n", err);
        }
    }

    @Override
    public String toString() {
        return "--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
