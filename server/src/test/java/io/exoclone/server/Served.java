package io.exoclone.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code exoclone --pool DIR serve --listen 127.0.0.1:0 ARGS} as a child process, started and
 * waited for until it says it serves the pool.
 */
public final class Served implements AutoCloseable {
    private static final Duration START = Duration.ofSeconds(60);

    private final CliProcess process;
    private final Path pool;

    private Served(CliProcess process, Path pool) {
        this.process = process;
        this.pool = pool;
    }

    /** Starts serving {@code pool} with {@code more} options; returns once it serves. */
    public static Served start(Path pool, String... more) throws Exception {
        List<String> args =
                new ArrayList<>(
                        List.of("--pool", pool.toString(), "serve", "--listen", "127.0.0.1:0"));
        args.addAll(List.of(more));
        CliProcess p = CliProcess.start(args.toArray(new String[0]));
        try {
            p.awaitOut(l -> l.startsWith("Serving pool "), 1, START);
        } catch (AssertionError | RuntimeException e) {
            p.close();
            throw e;
        }
        return new Served(p, pool);
    }

    public CliProcess process() {
        return process;
    }

    public Path pool() {
        return pool;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGTERM: the service stops, commits and exits 0. */
    public void stop() throws Exception {
        process.signal("TERM");
        assertThat(process.waitFor(Duration.ofMinutes(1))).as("%s", process).isZero();
    }

    /** kill -9. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
