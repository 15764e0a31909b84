package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.Pool;
import io.exoclone.server.ListenAddress;
import io.exoclone.server.ServiceComponent;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The NBD server of a served pool: every volume is a writable export, every snapshot a read-only
 * one. Listens on TCP and, optionally, on a Unix domain socket; one thread per connection (blocking
 * I/O: the pool serializes its operations on one monitor anyway, so more threads would only wait),
 * one commit thread for every connection's flushes ({@link GroupCommit}).
 *
 * <p>{@link #close()} stops accepting, lets every connection finish the request it is serving and
 * send its pending replies, closes it, and makes everything acknowledged durable.
 */
public final class NbdServer implements ServiceComponent {
    /** A client that has not picked an export within this time is disconnected. */
    public static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(30);

    /** Connections beyond this many are refused (closed at once). */
    public static final int MAX_CONNECTIONS = 1024;

    private static final long CONNECTION_STACK = 512 * 1024;
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final PrintWriter log;
    private final Exports exports;
    private final GroupCommit commits;
    private final ExecutorService replyExecutor;
    private final ScheduledThreadPoolExecutor timer;
    private final Duration handshakeLimit;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Map<NbdConnection, Thread> connections = new LinkedHashMap<>();
    private final AtomicInteger unixPeers = new AtomicInteger();
    private final List<String> addresses = new ArrayList<>();
    private InetSocketAddress tcpAddress;
    private Path socketPath;
    private volatile boolean stopping;
    private boolean refusedLogged;

    private NbdServer(Pool pool, PrintWriter log, Duration handshakeLimit) {
        this.log = log;
        this.handshakeLimit = handshakeLimit;
        this.exports = new Exports(pool);
        this.commits = new GroupCommit(exports);
        AtomicInteger n = new AtomicInteger();
        this.replyExecutor =
                Executors.newCachedThreadPool(
                        r -> daemon(r, "nbd-reply-" + n.incrementAndGet(), 0));
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "nbd-handshake-timer", 0));
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Starts serving {@code pool} on {@code tcp} (port 0 picks a free port) and, unless null, on
     * the Unix domain socket {@code socket}.
     *
     * @throws InvalidArgumentException when the host is unknown or the socket path is taken by a
     *     file or a live server
     * @throws ExocloneException when an address cannot be bound (for example, in use)
     */
    public static NbdServer start(Pool pool, ListenAddress tcp, Path socket, PrintWriter log) {
        return start(pool, tcp, socket, log, HANDSHAKE_LIMIT);
    }

    /** {@link #start} with another handshake time limit (for tests). */
    static NbdServer start(
            Pool pool, ListenAddress tcp, Path socket, PrintWriter log, Duration handshakeLimit) {
        NbdServer s = new NbdServer(pool, log, handshakeLimit);
        try {
            s.listenTcp(tcp);
            if (socket != null) {
                s.listenUnix(socket);
            }
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void listenTcp(ListenAddress address) {
        try {
            ServerSocketChannel ch = ServerSocketChannel.open();
            listeners.add(ch);
            ch.bind(address.socketAddress(), 256);
            tcpAddress = (InetSocketAddress) ch.getLocalAddress();
            ListenAddress bound = new ListenAddress(address.host(), tcpAddress.getPort());
            addresses.add("nbd://" + bound);
            accept(ch, "tcp");
        } catch (UnresolvedAddressException e) {
            throw new InvalidArgumentException(
                    "Cannot listen for NBD on " + address + ": unknown host " + address.host());
        } catch (IOException e) {
            throw new ExocloneException(
                    "Cannot listen for NBD on " + address + ": " + e.getMessage(), e);
        }
    }

    private void listenUnix(Path path) {
        Path p = path.toAbsolutePath();
        try {
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                removeStaleSocket(p);
            }
            ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            listeners.add(ch);
            ch.bind(UnixDomainSocketAddress.of(p), 256);
            socketPath = p;
            addresses.add("nbd+unix:///?socket=" + p);
            accept(ch, "unix");
        } catch (IOException e) {
            throw new ExocloneException(
                    "Cannot listen for NBD on socket " + p + ": " + e.getMessage(), e);
        }
    }

    /** A socket file left by a server that is gone is removed; anything else is refused. */
    private static void removeStaleSocket(Path p) throws IOException {
        if (Files.isDirectory(p) || Files.isRegularFile(p)) {
            throw new InvalidArgumentException(
                    "Cannot listen for NBD on socket " + p + ": a file or directory is there");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(p));
            throw new InvalidArgumentException(
                    "Cannot listen for NBD on socket " + p + ": another server answers there");
        } catch (IOException refused) {
            Files.deleteIfExists(p); // nobody listens: a stale socket file
        }
    }

    private void accept(ServerSocketChannel ch, String kind) {
        Thread t = daemon(() -> acceptLoop(ch, kind), "nbd-accept-" + kind, 0);
        acceptors.add(t);
        t.start();
    }

    private void acceptLoop(ServerSocketChannel listener, String kind) {
        while (true) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (stopping) {
                    return;
                }
                warn("Accepting an NBD connection failed: " + e.getMessage());
                sleepQuietly(100); // for example out of file descriptors: do not spin
                continue;
            }
            admit(ch, kind);
        }
    }

    private void admit(SocketChannel ch, String kind) {
        String peer;
        try {
            if (kind.equals("tcp")) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                InetSocketAddress a = (InetSocketAddress) ch.getRemoteAddress();
                peer = new ListenAddress(a.getAddress().getHostAddress(), a.getPort()).toString();
            } else {
                peer = "unix socket " + socketPath + " #" + unixPeers.incrementAndGet();
            }
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        NbdConnection c = new NbdConnection(this, ch, peer);
        synchronized (this) {
            if (stopping || connections.size() >= MAX_CONNECTIONS) {
                if (!stopping && !refusedLogged) {
                    refusedLogged = true;
                    warn(
                            "Refusing NBD connections beyond "
                                    + MAX_CONNECTIONS
                                    + " (from "
                                    + peer
                                    + ")");
                }
                closeQuietly(ch);
                return;
            }
            Thread t = daemon(c, "nbd " + peer, CONNECTION_STACK);
            connections.put(c, t);
            t.start();
        }
        timer.schedule(c::handshakeTimeout, handshakeLimit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Called by a connection's thread when it ends. */
    synchronized void ended(NbdConnection c) {
        connections.remove(c);
        if (connections.size() < MAX_CONNECTIONS) {
            refusedLogged = false;
        }
        notifyAll();
    }

    Exports exports() {
        return exports;
    }

    GroupCommit commits() {
        return commits;
    }

    ExecutorService replyExecutor() {
        return replyExecutor;
    }

    PrintWriter log() {
        return log;
    }

    boolean stopping() {
        return stopping;
    }

    void warn(String message) {
        synchronized (log) {
            log.println("exoclone: " + message);
            log.flush();
        }
    }

    /** The bound TCP address (the real port when 0 was asked for). */
    public InetSocketAddress tcpAddress() {
        return tcpAddress;
    }

    /** Open connections now. */
    public synchronized int connectionCount() {
        return connections.size();
    }

    /** Commits run for flushes and FUA writes, and the requests they answered. */
    public long[] commitStats() {
        return commits.stats();
    }

    @Override
    public String describe() {
        return String.join(", ", addresses);
    }

    @Override
    public void close() {
        stopping = true;
        for (ServerSocketChannel l : listeners) {
            closeQuietly(l);
        }
        for (Thread t : acceptors) {
            joinQuietly(t, STOP_WAIT.toMillis());
        }
        List<NbdConnection> open;
        synchronized (this) {
            open = new ArrayList<>(connections.keySet());
        }
        open.forEach(NbdConnection::stop);
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        synchronized (this) {
            while (!connections.isEmpty() && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            open = new ArrayList<>(connections.keySet());
        }
        for (NbdConnection c : open) {
            warn("NBD connection from " + c.peer() + " did not stop in time; closing it");
            c.close();
        }
        commits.close();
        replyExecutor.shutdown();
        try {
            replyExecutor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        if (socketPath != null) {
            try {
                Files.deleteIfExists(socketPath);
            } catch (IOException e) {
                // a stale socket file is replaced by the next start
            }
        }
    }

    private static Thread daemon(Runnable r, String name, long stack) {
        Thread t = new Thread(null, r, name, stack);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
