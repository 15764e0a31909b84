package io.exoclone.server.control;

import io.exoclone.cli.ExitCodes;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One client of the control socket: checks who it is, shakes hands ({@link Frame#HELLO}, {@link
 * Frame#WELCOME}), then serves its one request: a command line ({@link CommandRun}) or a feed
 * session ({@link FeedRun}). The connection closes when the request is done.
 */
final class ControlConnection implements Runnable {
    /** How long a client may take between connecting and sending its request. */
    static final long REQUEST_DEADLINE_SECONDS = 30;

    private final ControlServer server;
    private final FrameChannel channel;
    private final int id;
    private volatile boolean requested;
    private volatile Runnable onServiceStop = this::cutOff;

    ControlConnection(ControlServer server, SocketChannel channel, int id) {
        this.server = server;
        this.channel = new FrameChannel(channel);
        this.id = id;
    }

    int id() {
        return id;
    }

    @Override
    public void run() {
        CompletableFuture.delayedExecutor(REQUEST_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .execute(
                        () -> {
                            if (!requested) {
                                cutOff();
                            }
                        });
        try {
            String refused = refusal();
            if (refused != null) {
                server.log().println("exoclone: warning: control socket: " + refused);
                channel.write(RemoteErrors.frame(ExitCodes.LOCKED, refused));
                return;
            }
            if (!handshake()) {
                return;
            }
            Frame request = channel.read();
            if (request == null) {
                return;
            }
            requested = true;
            switch (request.type()) {
                case Frame.RUN -> new CommandRun(server.pool(), channel, this).run(request);
                case Frame.FEED_OPEN -> new FeedRun(server.service(), channel, this).run(request);
                default ->
                        channel.write(
                                RemoteErrors.frame(
                                        ExitCodes.GENERIC,
                                        "Unexpected control request of type " + request.type()));
            }
        } catch (IOException e) {
            // the client went away, or sent something unreadable: nothing to answer
        } catch (RuntimeException e) {
            server.log().println("exoclone: warning: control connection " + id + " failed: " + e);
            try {
                channel.write(RemoteErrors.frame(e));
            } catch (IOException gone) {
                // the client went away
            }
        } finally {
            channel.close();
            server.finished(this);
        }
    }

    /** Why this peer may not use the socket, or null: only the service's user and root may. */
    private String refusal() {
        UnixDomainPrincipal peer;
        try {
            peer = channel.channel().getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | UnsupportedOperationException e) {
            return null; // no peer credentials here: the socket's mode 0600 still holds
        }
        if (peer.user().equals(server.owner()) || peer.user().getName().equals("root")) {
            return null;
        }
        return "Refused user "
                + peer.user().getName()
                + ": pool "
                + server.pool().directory()
                + " is served by user "
                + server.owner().getName()
                + ", and only that user may use its control socket";
    }

    private boolean handshake() throws IOException {
        Frame hello = channel.read();
        if (hello == null) {
            return false;
        }
        if (hello.type() != Frame.HELLO) {
            channel.write(
                    RemoteErrors.frame(
                            ExitCodes.GENERIC,
                            "Expected the control protocol's HELLO, got frame type "
                                    + hello.type()));
            return false;
        }
        Payload.Reader r = hello.reader();
        int version = r.getInt();
        String dir = r.getString();
        if (version != ControlSocket.PROTOCOL_VERSION) {
            channel.write(
                    RemoteErrors.frame(
                            ExitCodes.GENERIC,
                            "This exoclone serve speaks control protocol version "
                                    + ControlSocket.PROTOCOL_VERSION
                                    + ", the command version "
                                    + version
                                    + ": run the same exoclone build for both"));
            return false;
        }
        Path served = server.pool().directory();
        if (!samePool(Path.of(dir), served)) {
            channel.write(
                    RemoteErrors.frame(
                            ExitCodes.GENERIC,
                            "The control socket "
                                    + server.socket()
                                    + " serves "
                                    + served
                                    + ", not "
                                    + dir));
            return false;
        }
        channel.write(
                Frame.of(
                        Frame.WELCOME,
                        Payload.writer()
                                .putInt(ControlSocket.PROTOCOL_VERSION)
                                .putLong(ProcessHandle.current().pid())
                                .putString(served.toAbsolutePath().toString())));
        return true;
    }

    private static boolean samePool(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** What to do when the service stops while this connection runs its request. */
    void onServiceStop(Runnable action) {
        this.onServiceStop = action;
    }

    void serviceStopping() {
        onServiceStop.run();
    }

    /** Closes the connection at once: the request's thread fails at its next read or write. */
    void cutOff() {
        channel.close();
    }
}
