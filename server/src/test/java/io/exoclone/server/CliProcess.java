package io.exoclone.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code exoclone ARGS} in a JVM of its own, with this test's class path: its stdout and stderr
 * lines collected as they come, its stdin writable, real signals (SIGINT, kill -9).
 */
public final class CliProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    private CliProcess(Process process) {
        this.process = process;
        follow(process.getInputStream(), out);
        follow(process.getErrorStream(), err);
    }

    /** The command that runs {@code exoclone} with this test's class path. */
    public static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("io.exoclone.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The test's class path (failsafe's, not its booter jar's). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    public static CliProcess start(String... args) throws IOException {
        return start(null, args);
    }

    /** Starts {@code exoclone ARGS} in {@code cwd} (null: this directory). */
    public static CliProcess start(Path cwd, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args));
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        return start(pb);
    }

    /** Starts a command line of the caller's making (another JVM setup, the launcher script). */
    public static CliProcess start(ProcessBuilder pb) throws IOException {
        pb.environment().remove("EXOCLONE_POOL");
        return new CliProcess(pb.start());
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
                        "cli-output");
        t.setDaemon(true);
        t.start();
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The process's stdin. */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** Stdout lines starting with {@code prefix} so far. */
    public List<String> out(String prefix) {
        synchronized (out) {
            return out.stream().filter(l -> l.startsWith(prefix)).toList();
        }
    }

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
                if (left <= 0 || !process.isAlive()) {
                    lines.wait(200); // the last lines of a process that ended
                    found = lines.stream().filter(match).toList();
                    if (found.size() >= count) {
                        return found;
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
        signal("INT");
    }

    public void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    /** kill -9: nothing is flushed or closed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the exit code. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Still running after " + timeout + "\n" + this);
        }
        Thread.sleep(100); // let the readers catch the last lines
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

    /**
     * Standard error without the lines of the libraries' loggers (a line starting with a time and a
     * level, and the stack trace that follows it): what exoclone itself printed. Flink logs
     * warnings of its own while jobs stop ("Failed to trigger or complete checkpoint" when a
     * savepoint overtakes a periodic checkpoint), which say nothing about the command's outcome.
     */
    public String ownStderr() {
        List<String> own = new java.util.ArrayList<>();
        boolean inLog = false;
        synchronized (err) {
            for (String l : err) {
                if (LOG_LINE.matcher(l).lookingAt()) {
                    inLog = true;
                } else if (!(inLog && CONTINUATION.matcher(l).lookingAt())) {
                    inLog = false;
                    own.add(l);
                }
            }
        }
        return String.join("\n", own);
    }

    private static final java.util.regex.Pattern LOG_LINE =
            java.util.regex.Pattern.compile(
                    "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (TRACE|DEBUG|INFO|WARN|ERROR) ");

    private static final java.util.regex.Pattern CONTINUATION =
            java.util.regex.Pattern.compile(
                    "(\\s|Caused by: |Suppressed: |[a-z][\\w.$]*(Exception|Error)\\b)");

    @Override
    public String toString() {
        return "--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
