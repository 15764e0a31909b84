package io.exoclone.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link PoolServices} found through {@code META-INF/services} in the test resources: it "serves"
 * every pool directory holding a file {@value #MARKER}, records what it is asked and answers with
 * exit code {@value #EXIT}. The real one is the server module's control socket.
 */
public final class TestPoolServices implements PoolServices {
    static final String MARKER = "served-by-test";
    static final int EXIT = 42;

    /** Every lookup and every invocation run, in order. */
    static final List<String> CALLS = new ArrayList<>();

    @Override
    public Optional<ServedPool> find(Path poolDir) {
        synchronized (CALLS) {
            CALLS.add("find " + poolDir);
        }
        if (!Files.exists(poolDir.resolve(MARKER))) {
            return Optional.empty();
        }
        return Optional.of(
                new ServedPool() {
                    @Override
                    public String describe() {
                        return "the test service";
                    }

                    @Override
                    public int run(
                            Invocation inv,
                            InputStream stdin,
                            OutputStream stdout,
                            OutputStream stderr,
                            boolean handleSignals)
                            throws java.io.IOException {
                        synchronized (CALLS) {
                            CALLS.add(
                                    "run "
                                            + inv.args()
                                            + " in "
                                            + inv.workingDirectory()
                                            + " signals="
                                            + handleSignals);
                        }
                        stdout.write("forwarded\n".getBytes(StandardCharsets.UTF_8));
                        return EXIT;
                    }

                    @Override
                    public void close() {
                        synchronized (CALLS) {
                            CALLS.add("close");
                        }
                    }
                });
    }
}
