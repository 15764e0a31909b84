package io.exoclone.server.control;

import io.exoclone.cli.ExitCodes;
import io.exoclone.cli.Invocation;
import io.exoclone.cli.StopSignal;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.PoolLockedException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection to the service that holds a pool, through its control socket: what the CLI uses to
 * run a verb there ({@link #run}) and what {@code replicate} uses to run the change feed there
 * ({@link #openFeed}). One request per connection.
 */
public final class ControlClient implements Closeable {
    /** How long the service may take to answer the handshake. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final FrameChannel channel;
    private final long pid;
    private final Path pool;

    private ControlClient(FrameChannel channel, long pid, Path pool) {
        this.channel = channel;
        this.pid = pid;
        this.pool = pool;
    }

    /**
     * Connects to the service holding the pool in {@code poolDir}. Empty when no service runs: no
     * socket, or a stale one a killed service left (nothing listens on it).
     *
     * @throws PoolLockedException when a service listens but does not answer in time, or refuses
     *     this user
     */
    public static Optional<ControlClient> connect(Path poolDir) {
        Path socket = ControlSocket.path(poolDir);
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS) || !ControlSocket.fits(socket)) {
            return Optional.empty();
        }
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new ExocloneException("Cannot open a Unix domain socket: " + e.getMessage(), e);
        }
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (ConnectException e) {
            closeQuietly(ch);
            return Optional.empty(); // stale: the service that made it is gone
        } catch (IOException e) {
            closeQuietly(ch);
            if (e instanceof SocketException && !Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty(); // removed meanwhile: the service stopped
            }
            throw new PoolLockedException(
                    "Pool "
                            + poolDir
                            + " is served, but its control socket "
                            + socket
                            + " cannot be used: "
                            + e.getMessage());
        }
        FrameChannel frames = new FrameChannel(ch);
        try {
            return Optional.of(handshake(frames, poolDir, socket));
        } catch (IOException e) {
            frames.close();
            throw new PoolLockedException(
                    "Pool "
                            + poolDir
                            + " is served, but its control socket "
                            + socket
                            + " did not answer within "
                            + HANDSHAKE_TIMEOUT.toSeconds()
                            + " s ("
                            + e.getMessage()
                            + ")");
        } catch (RuntimeException e) {
            frames.close();
            throw e;
        }
    }

    /**
     * Fails when a service holds the pool in {@code poolDir}: for a command that must open that
     * pool itself (the replica pool of {@code replicate --to} and {@code apply}).
     *
     * @throws PoolLockedException naming the service and {@code what}
     */
    public static void refuseIfServed(Path poolDir, String what) {
        Optional<ControlClient> c = connect(poolDir);
        if (c.isPresent()) {
            c.get().close();
            throw new PoolLockedException(
                    "Pool "
                            + poolDir
                            + " is served by "
                            + c.get().describe()
                            + ": "
                            + what
                            + " needs it for itself; stop serve first");
        }
    }

    private static ControlClient handshake(FrameChannel frames, Path poolDir, Path socket)
            throws IOException {
        AtomicBoolean answered = new AtomicBoolean();
        CompletableFuture.delayedExecutor(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .execute(
                        () -> {
                            if (!answered.get()) {
                                frames.close();
                            }
                        });
        frames.write(
                Frame.of(
                        Frame.HELLO,
                        Payload.writer()
                                .putInt(ControlSocket.PROTOCOL_VERSION)
                                .putString(poolDir.toAbsolutePath().toString())));
        Frame reply = frames.read();
        answered.set(true);
        if (reply == null) {
            throw new IOException("it closed the connection");
        }
        if (reply.type() == Frame.ERROR) {
            throw RemoteErrors.exception(reply);
        }
        if (reply.type() != Frame.WELCOME) {
            throw new IOException("unexpected frame type " + reply.type());
        }
        Payload.Reader r = reply.reader();
        r.getInt();
        long pid = r.getLong();
        return new ControlClient(frames, pid, Path.of(r.getString()));
    }

    /** The service's process id. */
    public long pid() {
        return pid;
    }

    /** The served pool, as the service names it. */
    public Path pool() {
        return pool;
    }

    /** {@code exoclone serve (pid N)}. */
    public String describe() {
        return "exoclone serve (pid " + pid + ")";
    }

    /**
     * Runs a command line in the service ({@link ClientRun}) and returns its exit code: {@link
     * ExitCodes#BROKEN_PIPE} when {@code stdout} closes early, {@link ExitCodes#INTERRUPTED} when a
     * second Ctrl-C stops waiting. Closes this connection.
     */
    public int run(
            Invocation invocation,
            InputStream stdin,
            OutputStream stdout,
            OutputStream stderr,
            boolean handleSignals)
            throws IOException {
        ControlClient connection = this;
        try (connection;
                StopSignal signals = handleSignals ? StopSignal.install() : null) {
            return new ClientRun(this, channel, stdin, stdout, stderr).run(invocation, signals);
        }
    }

    /**
     * Opens a feed session: the service checks that the volumes exist. Start it with {@link
     * RemoteFeed#start}. The session owns this connection.
     *
     * @throws io.exoclone.engine.NotFoundException when a volume does not exist
     */
    public RemoteFeed openFeed(List<String> volumes, Duration every) throws IOException {
        return RemoteFeed.open(this, channel, volumes, every);
    }

    @Override
    public void close() {
        channel.close();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
