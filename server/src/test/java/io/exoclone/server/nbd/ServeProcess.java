package io.exoclone.server.nbd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code exoclone --pool DIR serve --listen 127.0.0.1:0 [--socket PATH]} in a JVM of its own (this
 * test's class path), as a user runs it; the port is read from the line it prints.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern TCP = Pattern.compile("nbd://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> out = new ArrayList<>();
    private final StringBuilder err = new StringBuilder();
    private final int port;
    private final Path socket;

    private ServeProcess(Process process, Path socket) throws IOException, InterruptedException {
        this.process = process;
        this.socket = socket;
        Thread errReader =
                new Thread(
                        () -> {
                            try (BufferedReader r =
                                    new BufferedReader(
                                            new InputStreamReader(
                                                    process.getErrorStream(),
                                                    StandardCharsets.UTF_8))) {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    synchronized (err) {
                                        err.append(line).append('\n');
                                    }
                                }
                            } catch (IOException e) {
                                // the process is gone
                            }
                        },
                        "serve-stderr");
        errReader.setDaemon(true);
        errReader.start();
        BufferedReader r =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = r.readLine();
        if (first == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            throw new IOException("serve ended before serving: " + stderr());
        }
        out.add(first);
        Matcher m = TCP.matcher(first);
        if (!m.find()) {
            throw new IOException("serve printed no nbd:// address: " + first);
        }
        this.port = Integer.parseInt(m.group(1));
        Thread outReader =
                new Thread(
                        () -> {
                            try {
                                String line;
                                while ((line = r.readLine()) != null) {
                                    synchronized (out) {
                                        out.add(line);
                                    }
                                }
                            } catch (IOException e) {
                                // the process is gone
                            }
                        },
                        "serve-stdout");
        outReader.setDaemon(true);
        outReader.start();
    }

    /** Starts serving {@code pool}; with a socket path, also on that Unix socket. */
    static ServeProcess start(Path pool, Path socket) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.exoclone.cli.Main");
        cmd.addAll(List.of("--pool", pool.toString(), "serve", "--listen", "127.0.0.1:0"));
        if (socket != null) {
            cmd.addAll(List.of("--socket", socket.toString()));
        }
        return new ServeProcess(new ProcessBuilder(cmd).start(), socket);
    }

    int port() {
        return port;
    }

    java.net.InetSocketAddress address() {
        return new java.net.InetSocketAddress("127.0.0.1", port);
    }

    /** {@code nbd://127.0.0.1:PORT/EXPORT} */
    String uri(String export) {
        return "nbd://127.0.0.1:" + port + "/" + export;
    }

    /** {@code nbd+unix:///EXPORT?socket=PATH} */
    String unixUri(String export) {
        return "nbd+unix:///" + export + "?socket=" + socket;
    }

    String firstLine() {
        synchronized (out) {
            return out.get(0);
        }
    }

    String stderr() {
        synchronized (err) {
            return err.toString();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as a service manager stops it; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy(); // SIGTERM
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("serve did not stop within 60 s: " + stderr());
        }
        return process.exitValue();
    }

    /** kill -9: nothing is flushed or closed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
