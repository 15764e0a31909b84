package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.Pool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The transmission phase of one connection: requests are read and carried out in order by the
 * connection's thread, and answered as soon as they are done (the replies to the requests of one
 * read from the socket go out together, see {@link Wire#queue}), except flushes and FUA writes,
 * which are answered by the commit that makes them durable ({@link GroupCommit}). A refused request
 * gets an error reply and the connection goes on; {@code NBD_CMD_DISC}, the end of the stream or a
 * broken header end it, after every pending reply was sent.
 */
final class Transmission {
    private final Wire wire;
    private final Session session;
    private final Export export;
    private final Replies replies;
    private final Replies durableReplies;
    private final GroupCommit commits;
    private final DeferredReplies deferred;
    private final PrintWriter log;
    private final String peer;

    /** Writes up to this size reuse one buffer per connection. */
    static final int REUSED_BUFFER_BYTES = 1 << 20;

    private byte[] reused = new byte[0];

    Transmission(
            Wire wire,
            Session session,
            GroupCommit commits,
            DeferredReplies deferred,
            PrintWriter log,
            String peer) {
        this.wire = wire;
        this.session = session;
        this.export = session.export();
        this.replies = new Replies(wire, session.structuredReplies(), true);
        this.durableReplies = new Replies(wire, session.structuredReplies(), false);
        this.commits = commits;
        this.deferred = deferred;
        this.log = log;
        this.peer = peer;
    }

    /** Serves requests until the client disconnects. */
    void run() throws IOException, InterruptedException {
        try {
            while (true) {
                ByteBuffer header = wire.readMessage(Request.HEADER_BYTES);
                if (header == null) {
                    return;
                }
                Request r = Request.decode(header);
                if (r.type() == Request.DISC) {
                    wire.flush();
                    return;
                }
                serve(r);
            }
        } finally {
            deferred.awaitNone();
        }
    }

    private void serve(Request r) throws IOException {
        try {
            switch (r.type()) {
                case Request.READ -> read(r);
                case Request.WRITE -> write(r);
                case Request.FLUSH -> {
                    flags(r, 0);
                    durable(r);
                }
                case Request.TRIM, Request.WRITE_ZEROES -> zero(r);
                case Request.BLOCK_STATUS -> blockStatus(r);
                default ->
                        throw new CommandException(
                                NbdError.EINVAL, Request.name(r.type()) + " is not supported");
            }
        } catch (CommandException e) {
            replies.error(r.cookie(), e.error(), e.getMessage());
        } catch (ExocloneException e) {
            NbdError error = poolError(e);
            log.println(
                    "exoclone: NBD connection from "
                            + peer
                            + ": "
                            + Request.name(r.type())
                            + " at "
                            + r.offset()
                            + " failed ("
                            + error
                            + "): "
                            + e.getMessage());
            log.flush();
            replies.error(r.cookie(), error, e.getMessage());
        }
    }

    private void read(Request r) throws IOException {
        flags(r, session.structuredReplies() ? Request.FLAG_DF : 0);
        maxBlock(r);
        inside(r, NbdError.EINVAL);
        replies.data(r.cookie(), r.offset(), export.read(r.offset(), (int) r.length()));
    }

    private void write(Request r) throws IOException {
        if (r.length() > Negotiation.MAX_BLOCK) {
            wire.skip(r.length()); // keep the stream in step, then refuse
            maxBlock(r);
        }
        int length = (int) r.length();
        byte[] data = writeBuffer(length);
        wire.readFully(data, 0, length);
        flags(r, 0);
        writable(r);
        inside(r, NbdError.ENOSPC);
        export.write(r.offset(), data, length);
        answer(r);
    }

    /**
     * A buffer for a write's payload: the connection's own, reused (the pool copies what it is
     * given before a write returns), up to {@link #REUSED_BUFFER_BYTES}; larger ones are new.
     */
    private byte[] writeBuffer(int length) {
        if (length > REUSED_BUFFER_BYTES) {
            return new byte[length];
        }
        if (reused.length < length) {
            reused = new byte[Math.max(length, Math.min(2 * reused.length, REUSED_BUFFER_BYTES))];
        }
        return reused;
    }

    /** {@code NBD_CMD_TRIM} and {@code NBD_CMD_WRITE_ZEROES}: both unmap the range. */
    private void zero(Request r) throws IOException {
        boolean zeroes = r.type() == Request.WRITE_ZEROES;
        flags(r, zeroes ? Request.FLAG_NO_HOLE | Request.FLAG_FAST_ZERO : 0);
        writable(r);
        if (zeroes) {
            maxBlock(r);
        }
        inside(r, zeroes ? NbdError.ENOSPC : NbdError.EINVAL);
        if (r.length() > 0) {
            export.zero(r.offset(), r.length());
        }
        answer(r);
    }

    private void blockStatus(Request r) throws IOException {
        flags(r, Request.FLAG_REQ_ONE);
        if (!session.blockStatus()) {
            throw new CommandException(
                    NbdError.EINVAL,
                    "NBD_CMD_BLOCK_STATUS needs base:allocation selected for "
                            + export.name()
                            + " with NBD_OPT_SET_META_CONTEXT");
        }
        if (r.length() == 0) {
            throw new CommandException(NbdError.EINVAL, "NBD_CMD_BLOCK_STATUS of 0 bytes");
        }
        inside(r, NbdError.EINVAL);
        long length = Math.min(r.length(), AllocationMap.MAX_SCAN);
        long first = r.offset() / Pool.BLOCK_SIZE;
        long end = (r.offset() + length + Pool.BLOCK_SIZE - 1) / Pool.BLOCK_SIZE;
        List<AllocationMap.Descriptor> d =
                AllocationMap.describe(
                        export.extents(first, end),
                        r.offset(),
                        length,
                        r.has(Request.FLAG_REQ_ONE));
        replies.blockStatus(r.cookie(), d);
    }

    /** Replies now, or after the next commit with FUA. */
    private void answer(Request r) throws IOException {
        if (r.fua()) {
            durable(r);
        } else {
            replies.ok(r.cookie());
        }
    }

    /**
     * Replies once a commit made every write applied so far durable. Fails with EIO when the commit
     * failed, or when writes acknowledged on this export since this connection started were lost
     * (the client must not believe them durable: every later flush on this connection fails too; a
     * new connection starts afresh).
     */
    private void durable(Request r) throws IOException {
        if (export.readOnly()) {
            replies.ok(r.cookie());
            return;
        }
        deferred.expect();
        commits.submit(failure -> deferred.ready(() -> sendDurable(r, failure, export.losses())));
    }

    private void sendDurable(Request r, RuntimeException failure, long losses) {
        try {
            if (failure != null) {
                durableReplies.error(
                        r.cookie(),
                        NbdError.EIO,
                        "Commit failed; writes since the last flush are lost: "
                                + failure.getMessage());
            } else if (losses != session.lossesAtStart()) {
                durableReplies.error(
                        r.cookie(),
                        NbdError.EIO,
                        "Writes acknowledged on "
                                + export.name()
                                + " were lost when the pool discarded its open transaction after"
                                + " an error; reconnect and write them again");
            } else {
                durableReplies.ok(r.cookie());
            }
        } catch (IOException e) {
            // The client is gone; nothing to tell it.
        }
    }

    private void flags(Request r, int allowed) {
        int bad = r.flags() & ~(allowed | Request.FLAG_FUA);
        if (bad != 0) {
            throw new CommandException(
                    NbdError.EINVAL,
                    String.format("Flags 0x%x are not valid for %s", bad, Request.name(r.type())));
        }
    }

    private void writable(Request r) {
        if (export.readOnly()) {
            throw new CommandException(
                    NbdError.EPERM,
                    Request.name(r.type()) + " refused: " + export.name() + " is read-only");
        }
    }

    private static void maxBlock(Request r) {
        if (r.length() > Negotiation.MAX_BLOCK) {
            throw new CommandException(
                    NbdError.EINVAL,
                    Request.name(r.type())
                            + " of "
                            + r.length()
                            + " bytes exceeds the maximum block size of "
                            + Negotiation.MAX_BLOCK);
        }
    }

    private void inside(Request r, NbdError error) {
        if (r.offset() < 0 || r.offset() + r.length() > export.size()) {
            throw new CommandException(
                    error,
                    String.format(
                            "%s of [%s, +%d) is past the end of %s (%d bytes)",
                            Request.name(r.type()),
                            Long.toUnsignedString(r.offset()),
                            r.length(),
                            export.name(),
                            export.size()));
        }
    }

    /** ENOSPC for a full disk, EINVAL for a refused range, else EIO. */
    static NbdError poolError(ExocloneException e) {
        if (e instanceof InvalidArgumentException) {
            return NbdError.EINVAL;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left") || m.contains("Disk quota"))) {
                return NbdError.ENOSPC;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return NbdError.EIO;
    }
}
