package io.exoclone.server.control;

import io.exoclone.cli.CancelledException;
import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.InService;
import io.exoclone.cli.Invocation;
import io.exoclone.engine.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The service's side of a forwarded command line ({@link Frame#RUN}): runs it with {@link
 * InService} on the served pool, its stdout and stderr sent to the client as they are written, its
 * stdin asked for ({@link Frame#STDIN_WANT}) only when it reads, and its exit code sent last.
 *
 * <p>A second thread reads the client's frames meanwhile: its stdin chunks, its Ctrl-C ({@link
 * Frame#INTERRUPT}) and its disconnection, both of which ask the command to stop ({@link
 * InService.Stop}).
 */
final class CommandRun {
    private static final byte[] END = new byte[0];

    /** How far the client's stdin may run ahead of the command's reads. */
    static final int STDIN_WINDOW = 4 << 20;

    private final Pool pool;
    private final FrameChannel channel;
    private final ControlConnection connection;
    private final InService.Stop stop = new InService.Stop();
    private final BlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
    private volatile boolean disconnected;

    CommandRun(Pool pool, FrameChannel channel, ControlConnection connection) {
        this.pool = pool;
        this.channel = channel;
        this.connection = connection;
    }

    void run(Frame request) throws IOException {
        Payload.Reader r = request.reader();
        Invocation invocation;
        try {
            invocation = new Invocation(r.getStrings(), Path.of(r.getString()), r.getBoolean());
        } catch (IllegalArgumentException e) {
            channel.write(RemoteErrors.frame(ExitCodes.USAGE, e.getMessage()));
            return;
        }
        connection.onServiceStop(stop::request);
        Thread reader = new Thread(this::readClient, "exoclone-control-in-" + connection.id());
        reader.setDaemon(true);
        reader.start();
        int code =
                InService.execute(
                        pool,
                        invocation,
                        new Input(),
                        new Output(Frame.STDOUT),
                        new Output(Frame.STDERR),
                        stop);
        if (!disconnected) {
            channel.write(Frame.of(Frame.EXIT, Payload.writer().putInt(code)));
        }
    }

    /** The client's frames while the command runs. */
    private void readClient() {
        try {
            while (true) {
                Frame f = channel.read();
                if (f == null) {
                    break;
                }
                if (f.type() == Frame.STDIN) {
                    stdin.add(f.payload());
                } else if (f.type() == Frame.INTERRUPT) {
                    stop.request();
                }
            }
        } catch (IOException e) {
            // gone, or the command finished and the connection closed
        }
        disconnected = true;
        stop.request();
    }

    private void checkCancelled() {
        if (stop.cancelled()) {
            throw new CancelledException(
                    disconnected
                            ? "Cancelled: the client disconnected"
                            : "Cancelled: the client interrupted");
        }
    }

    /**
     * The command's stdin. Nothing is asked of the client until the command first reads; from then
     * on the client may send up to {@link #STDIN_WINDOW} bytes ahead of what the command consumed
     * ({@link Frame#STDIN_WANT} grants more as it consumes), so a pipe streams without a round trip
     * per read.
     */
    private final class Input extends InputStream {
        private byte[] pending = END;
        private int pos;
        private boolean ended;
        private long granted;
        private long consumed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (pos == pending.length) {
                if (ended) {
                    return -1;
                }
                checkCancelled();
                long inFlight = granted - consumed;
                if (inFlight <= STDIN_WINDOW / 2) {
                    int more = (int) (STDIN_WINDOW - inFlight);
                    channel.write(Frame.of(Frame.STDIN_WANT, Payload.writer().putInt(more)));
                    granted += more;
                }
                pending = next();
                pos = 0;
                if (pending.length == 0) {
                    ended = true;
                    return -1;
                }
            }
            int n = Math.min(len, pending.length - pos);
            System.arraycopy(pending, pos, b, off, n);
            pos += n;
            consumed += n;
            return n;
        }

        private byte[] next() throws IOException {
            try {
                while (true) {
                    byte[] chunk = stdin.poll(100, TimeUnit.MILLISECONDS);
                    if (chunk != null) {
                        return chunk;
                    }
                    checkCancelled();
                    if (disconnected) {
                        throw new IOException(
                                "The client disconnected while the command read stdin");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException("Cancelled: interrupted while reading stdin");
            }
        }
    }

    /** The command's stdout or stderr: one frame per write (split at 1 MiB). */
    private final class Output extends OutputStream {
        private final byte type;

        Output(byte type) {
            this.type = type;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            checkCancelled();
            while (len > 0) {
                int n = Math.min(len, Frame.MAX_CHUNK);
                channel.write(type, b, off, n);
                off += n;
                len -= n;
            }
        }
    }
}
