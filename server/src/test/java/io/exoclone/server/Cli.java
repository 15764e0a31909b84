package io.exoclone.server;

import io.exoclone.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line in this JVM with captured streams, {@code --pool POOL} in front: while the pool
 * is served by another process, every verb goes through the control socket, as from a shell.
 */
public final class Cli {
    private final Path pool;

    public Cli(Path pool) {
        this.pool = pool;
    }

    public Result run(String... args) {
        return run(new byte[0], args);
    }

    public Result run(byte[] stdin, String... args) {
        List<String> full = new ArrayList<>(List.of("--pool", pool.toString()));
        full.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new Main(
                                new ByteArrayInputStream(stdin),
                                out,
                                new PrintStream(err, true, StandardCharsets.UTF_8),
                                Map.of(),
                                false)
                        .execute(full.toArray(new String[0]));
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** What a command did: exit code, raw stdout, stderr text. */
    public record Result(int code, byte[] stdout, String err) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String lastLine() {
            List<String> l = out().lines().toList();
            return l.isEmpty() ? "" : l.get(l.size() - 1);
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out() + "--- stderr\n" + err;
        }
    }
}
