package io.exoclone.server.control;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.Pool;
import io.exoclone.server.PoolService;
import io.exoclone.server.ServiceComponent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The control socket of a served pool ({@link ControlSocket#path}): every CLI verb run on the pool
 * while it is served arrives here and runs against the service's open pool ({@link CommandRun}),
 * and a {@code replicate} of the pool asks here for a change feed ({@link FeedRun}). One thread
 * accepts; each connection gets a thread of its own.
 *
 * <p>Only the user who runs the service (and root) may connect: the socket is mode 0600 and the
 * peer's credentials ({@code SO_PEERCRED}) are checked on every connection.
 */
public final class ControlServer implements ServiceComponent {
    /** How long a stopping service lets running commands finish before it cuts them off. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final PoolService service;
    private final Pool pool;
    private final PrintWriter log;
    private final Path socket;
    private final ServerSocketChannel server;
    private final UserPrincipal owner;
    private final Set<ControlConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger ids = new AtomicInteger();
    private final Thread acceptor;

    private ControlServer(
            PoolService service, Path socket, ServerSocketChannel server, UserPrincipal owner) {
        this.service = service;
        this.pool = service.pool();
        this.log = service.log();
        this.socket = socket;
        this.server = server;
        this.owner = owner;
        this.acceptor = new Thread(this::accept, "exoclone-control-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds the control socket of the service's pool (replacing one a killed service left: the
     * service holds the pool's lock, so no other service can be listening) and starts accepting.
     */
    public static ControlServer start(PoolService service) {
        Pool pool = service.pool();
        Path socket = ControlSocket.path(pool.directory());
        if (!ControlSocket.fits(socket)) {
            throw new ExocloneException(
                    "The control socket path "
                            + socket
                            + " is longer than the "
                            + ControlSocket.MAX_PATH_BYTES
                            + " bytes a Unix domain socket allows; serve the pool from a shorter"
                            + " path");
        }
        ServerSocketChannel server = null;
        try {
            if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new ExocloneException(
                        "Cannot create the control socket " + socket + ": it is a directory");
            }
            Files.deleteIfExists(socket); // stale: we hold the pool, nobody else serves it
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            UserPrincipal owner = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
            ControlServer s = new ControlServer(service, socket, server, owner);
            s.acceptor.start();
            return s;
        } catch (IOException e) {
            closeQuietly(server);
            throw new ExocloneException(
                    "Cannot create the control socket " + socket + ": " + e.getMessage(), e);
        }
    }

    /** The socket's path. */
    public Path socket() {
        return socket;
    }

    Pool pool() {
        return pool;
    }

    PoolService service() {
        return service;
    }

    PrintWriter log() {
        return log;
    }

    UserPrincipal owner() {
        return owner;
    }

    private void accept() {
        while (true) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.println("exoclone: warning: control socket: " + e.getMessage());
                if (!server.isOpen()) {
                    return;
                }
                continue;
            }
            ControlConnection conn = new ControlConnection(this, c, ids.incrementAndGet());
            connections.add(conn);
            Thread t = new Thread(conn, "exoclone-control-" + conn.id());
            t.setDaemon(true);
            t.start();
        }
    }

    void finished(ControlConnection c) {
        synchronized (connections) {
            connections.remove(c);
            connections.notifyAll();
        }
    }

    @Override
    public String describe() {
        return "control socket " + socket;
    }

    /**
     * Stops accepting and removes the socket; asks every running command to stop (a feed session is
     * told the service stops), waits up to {@link #STOP_WAIT} for them, then cuts off the rest.
     */
    @Override
    public void close() {
        closeQuietly(server);
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            log.println("exoclone: warning: cannot remove " + socket + ": " + e.getMessage());
        }
        for (ControlConnection c : connections) {
            c.serviceStopping();
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        synchronized (connections) {
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                try {
                    connections.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        for (ControlConnection c : connections) {
            c.cutOff();
        }
    }

    private static void closeQuietly(ServerSocketChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
