package io.exoclone.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with captured streams, as a script would see it. */
final class CliRunner {
    private final Path pool;
    private final Map<String, String> env = new HashMap<>();

    /**
     * A runner that puts {@code --pool pool} in front of every command except {@code pool ...};
     * {@code null} for none.
     */
    CliRunner(Path pool) {
        this.pool = pool;
    }

    CliRunner env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Result run(String... args) {
        return runWithInput(new byte[0], args);
    }

    Result runWithInput(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result r = runTo(stdin, out, args);
        return new Result(r.code(), out.toByteArray(), r.err());
    }

    /** Runs with stdout going to {@code out}; the result's stdout is empty. */
    Result runTo(byte[] stdin, OutputStream out, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = args;
        if (pool != null && args.length > 0 && !args[0].equals("pool")) {
            full = new String[args.length + 2];
            full[0] = "--pool";
            full[1] = pool.toString();
            System.arraycopy(args, 0, full, 2, args.length);
        }
        Main main =
                new Main(
                        new ByteArrayInputStream(stdin),
                        out,
                        new PrintStream(err, true, StandardCharsets.UTF_8),
                        env,
                        false);
        int code = main.execute(full);
        return new Result(code, new byte[0], err.toString(StandardCharsets.UTF_8));
    }

    /** What a command did: exit code, raw stdout, stderr text. */
    record Result(int code, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        List<String> lines() {
            return out().lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        String lastLine() {
            List<String> l = lines();
            return l.isEmpty() ? "" : l.get(l.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }
}
