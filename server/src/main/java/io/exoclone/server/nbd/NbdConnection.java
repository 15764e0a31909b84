package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * One client connection, on a thread of its own: the handshake, then the transmission phase with
 * the export leased. Whatever the client does, only this connection ends: a protocol violation or a
 * broken stream is logged in one line and the socket closed.
 */
final class NbdConnection implements Runnable {
    private final NbdServer server;
    private final SocketChannel channel;
    private final String peer;
    private volatile boolean transmitting;

    NbdConnection(NbdServer server, SocketChannel channel, String peer) {
        this.server = server;
        this.channel = channel;
        this.peer = peer;
    }

    String peer() {
        return peer;
    }

    @Override
    public void run() {
        try {
            Wire wire = new Wire(channel);
            Session s =
                    new Negotiation(
                                    wire,
                                    server.exports(),
                                    "NBD connection from " + peer,
                                    server::stopping)
                            .run();
            if (s == null) {
                return;
            }
            try (Pool.Lease lease = s.lease()) {
                transmitting = true;
                new Transmission(
                                wire,
                                s,
                                server.commits(),
                                new DeferredReplies(server.replyExecutor()),
                                server.log(),
                                peer)
                        .run();
            }
        } catch (NbdProtocolException e) {
            server.warn("NBD connection from " + peer + " broke the protocol: " + e.getMessage());
        } catch (EOFException e) {
            server.warn(
                    "NBD connection from "
                            + peer
                            + " closed in the middle of a message ("
                            + e.getMessage()
                            + "); nothing of it was applied");
        } catch (ClosedChannelException e) {
            // closed by the server: shutdown or the handshake time limit
        } catch (IOException e) {
            // reset by the peer, or a broken pipe: the client is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExocloneException | IllegalStateException e) {
            server.warn("NBD connection from " + peer + " failed: " + e);
        } finally {
            close();
            server.ended(this);
        }
    }

    /**
     * Asks the connection to end: in the handshake, at once; in transmission, after the request it
     * is serving (its input is shut, so the next read sees the end of the stream; replies still go
     * out).
     */
    void stop() {
        try {
            if (transmitting) {
                channel.shutdownInput();
            } else {
                channel.close();
            }
        } catch (IOException e) {
            close();
        }
    }

    /** Ends the connection now. */
    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a socket loses nothing
        }
    }

    /** Ends the connection when its handshake took too long. */
    void handshakeTimeout() {
        if (!transmitting && channel.isOpen()) {
            server.warn("NBD connection from " + peer + " did not finish its handshake in time");
            close();
        }
    }
}
