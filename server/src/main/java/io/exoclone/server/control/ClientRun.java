package io.exoclone.server.control;

import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.Invocation;
import io.exoclone.cli.StopSignal;
import io.exoclone.engine.ExocloneException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The client's side of a forwarded command line: sends it ({@link Frame#RUN}), copies the command's
 * stdout and stderr frames to this process's, answers its stdin requests from a thread of their own
 * (so a command that ends while this process waits for input is not held up), passes the first
 * Ctrl-C on ({@link Frame#INTERRUPT}) and leaves on the second, and returns the exit code.
 */
final class ClientRun {
    private final ControlClient client;
    private final FrameChannel channel;
    private final InputStream stdin;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final Object credit = new Object();
    private long stdinCredit;
    private volatile boolean leaving;
    private Thread stdinPump;

    ClientRun(
            ControlClient client,
            FrameChannel channel,
            InputStream stdin,
            OutputStream stdout,
            OutputStream stderr) {
        this.client = client;
        this.channel = channel;
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    int run(Invocation invocation, StopSignal signals) throws IOException {
        channel.write(
                Frame.of(
                        Frame.RUN,
                        Payload.writer()
                                .putStrings(invocation.args())
                                .putString(invocation.workingDirectory().toString())
                                .putBoolean(invocation.terminal())));
        if (signals != null) {
            signals.onSecond(
                    () -> {
                        leaving = true;
                        channel.close();
                    });
            Thread t = new Thread(() -> interruptOn(signals), "exoclone-control-signals");
            t.setDaemon(true);
            t.start();
        }
        try {
            return loop();
        } catch (IOException e) {
            if (leaving) {
                return ExitCodes.INTERRUPTED;
            }
            throw new ExocloneException(
                    client.describe()
                            + " lost the connection before the command finished: "
                            + e.getMessage(),
                    e);
        } finally {
            if (stdinPump != null) {
                stdinPump.interrupt();
            }
        }
    }

    private int loop() throws IOException {
        while (true) {
            Frame f = channel.read();
            if (f == null) {
                if (leaving) {
                    return ExitCodes.INTERRUPTED;
                }
                throw new ExocloneException(
                        client.describe()
                                + " closed the connection before the command finished (it may be"
                                + " stopping)");
            }
            switch (f.type()) {
                case Frame.STDOUT -> {
                    try {
                        stdout.write(f.payload());
                        stdout.flush();
                    } catch (IOException e) {
                        if (String.valueOf(e.getMessage()).contains("Broken pipe")) {
                            channel.close(); // the service's command sees it and ends
                            return ExitCodes.BROKEN_PIPE;
                        }
                        throw e;
                    }
                }
                case Frame.STDERR -> {
                    stderr.write(f.payload());
                    stderr.flush();
                }
                case Frame.STDIN_WANT -> wantStdin(f.reader().getInt());
                case Frame.EXIT -> {
                    stdout.flush();
                    return f.reader().getInt();
                }
                case Frame.ERROR -> throw RemoteErrors.exception(f);
                default -> throw new IOException("Unexpected control frame type " + f.type());
            }
        }
    }

    /** The service grants {@code bytes} more of stdin; the pump thread sends them. */
    private void wantStdin(int bytes) {
        if (stdinPump == null) {
            stdinPump = new Thread(this::pumpStdin, "exoclone-control-stdin");
            stdinPump.setDaemon(true);
            stdinPump.start();
        }
        synchronized (credit) {
            stdinCredit += Math.max(0, bytes);
            credit.notifyAll();
        }
    }

    /**
     * Sends stdin while the service grants credit: one read per frame, so input is passed on as it
     * arrives; an empty frame at its end.
     */
    private void pumpStdin() {
        byte[] buf = new byte[Frame.MAX_CHUNK];
        try {
            while (true) {
                int max;
                synchronized (credit) {
                    while (stdinCredit == 0) {
                        credit.wait();
                    }
                    max = (int) Math.min(stdinCredit, buf.length);
                }
                int n;
                try {
                    n = stdin.read(buf, 0, max);
                } catch (IOException e) {
                    n = -1; // as the end of the input
                }
                if (n <= 0) {
                    channel.write(Frame.STDIN);
                    return;
                }
                synchronized (credit) {
                    stdinCredit -= n;
                }
                channel.write(Frame.STDIN, buf, 0, n);
            }
        } catch (InterruptedException | IOException e) {
            // the command ended, or the connection is gone
        }
    }

    private void interruptOn(StopSignal signals) {
        try {
            signals.await();
            channel.write(Frame.INTERRUPT);
        } catch (InterruptedException | IOException e) {
            // the command ended, or the connection is gone
        }
    }
}
