package io.exoclone.bench;

import io.exoclone.engine.Pool;
import io.exoclone.server.ListenAddress;
import io.exoclone.server.nbd.NbdServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An NBD server under test, serving one export of {@code size} bytes on 127.0.0.1. */
abstract class NbdTarget implements AutoCloseable {
    final String name;

    NbdTarget(String name) {
        this.name = name;
    }

    abstract String uri();

    @Override
    public abstract void close() throws Exception;

    /** exoclone's NBD server in this process (what {@code exoclone serve} runs). */
    static final class Exoclone extends NbdTarget {
        final Pool pool;
        private final NbdServer server;

        Exoclone(Path dir, long size) {
            super("exoclone serve");
            pool = Pool.create(dir);
            pool.createVolume("vm1", size);
            server =
                    NbdServer.start(
                            pool,
                            new ListenAddress("127.0.0.1", 0),
                            null,
                            new PrintWriter(System.err, true));
        }

        @Override
        String uri() {
            return "nbd://127.0.0.1:" + server.tcpAddress().getPort() + "/vm1";
        }

        @Override
        public void close() {
            server.close();
            pool.close();
        }
    }

    /** An external server process (qemu-nbd, nbdkit) on a free port. */
    static final class External extends NbdTarget {
        private final Process process;
        private final int port;
        private final String export;

        private External(String name, int port, String export, List<String> command)
                throws IOException, InterruptedException {
            super(name);
            this.port = port;
            this.export = export;
            this.process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline || !process.isAlive()) {
                        process.destroyForcibly();
                        throw new IOException(name + " did not start: " + command);
                    }
                    Thread.sleep(50);
                }
            }
        }

        /** {@code qemu-nbd} on a raw or qcow2 file, write-back cache as by default. */
        static External qemuNbd(Path file, String format, long size) throws Exception {
            if (format.equals("qcow2")) {
                NbdBench.run(
                        "qemu-img",
                        "create",
                        "-q",
                        "-f",
                        "qcow2",
                        file.toString(),
                        Long.toString(size));
            } else {
                try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                    f.setLength(size);
                }
            }
            int port = freePort();
            return new External(
                    "qemu-nbd " + format,
                    port,
                    "vm1",
                    List.of(
                            "qemu-nbd",
                            "-f",
                            format,
                            "-x",
                            "vm1",
                            "-b",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "-t",
                            "--shared=8",
                            "--cache=writeback",
                            "--aio=threads",
                            file.toString()));
        }

        /** {@code nbdkit file} on a raw file. */
        static External nbdkitFile(Path file, long size) throws Exception {
            try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size);
            }
            int port = freePort();
            return new External(
                    "nbdkit file",
                    port,
                    "",
                    List.of(
                            "nbdkit",
                            "-f",
                            "-i",
                            "127.0.0.1",
                            "-p",
                            Integer.toString(port),
                            "file",
                            "file=" + file));
        }

        @Override
        String uri() {
            return "nbd://127.0.0.1:" + port + "/" + export;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // scratch space
        }
    }
}
