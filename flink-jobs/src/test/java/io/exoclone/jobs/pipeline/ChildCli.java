package io.exoclone.jobs.pipeline;

import io.exoclone.server.CliProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code exoclone ARGS} in a JVM of its own with this module's setup (its class path, the
 * launcher's logging setup, room for the embedded services), or through the launcher script.
 */
public final class ChildCli {
    private ChildCli() {}

    static CliProcess start(String... args) throws IOException {
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
        return CliProcess.start(new ProcessBuilder(cmd));
    }

    /**
     * {@code ROOT/exoclone ARGS}: the launcher script of the checkout, as a user runs it, with
     * {@code EXOCLONE_NO_BUILD=1} (the build under test must be current). The launcher execs the
     * JVM, so {@link CliProcess#interrupt()} reaches it.
     */
    public static CliProcess launcher(Path root, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(root.resolve("exoclone").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("EXOCLONE_NO_BUILD", "1");
        return CliProcess.start(pb);
    }
}
