package io.exoclone.server.nbd;

import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.Pool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The handshake phase of one connection: the greeting, then the client's options until it picks an
 * export ({@code NBD_OPT_GO} or {@code NBD_OPT_EXPORT_NAME}) or leaves. A refused option gets an
 * error reply and the client may try another; only what the protocol gives no way to refuse (bad
 * magic, unknown client flags, an unknown name in {@code NBD_OPT_EXPORT_NAME}) ends the connection.
 */
final class Negotiation {
    /** Block size constraints, sent in {@code NBD_INFO_BLOCK_SIZE}: any alignment works. */
    static final int MIN_BLOCK = 1;

    static final int PREFERRED_BLOCK = Pool.BLOCK_SIZE;
    static final int MAX_BLOCK = 32 << 20;

    /** Zero padding after the reply to {@code NBD_OPT_EXPORT_NAME}, unless the client opted out. */
    private static final int EXPORT_NAME_PADDING = 124;

    private final Wire wire;
    private final Exports exports;
    private final String holder;
    private final BooleanSupplier stopping;
    private boolean noZeroes;
    private boolean structured;
    private String metaContextExport;

    /**
     * @param holder who leases the export, for messages ("NBD connection from 127.0.0.1:40312")
     * @param stopping true once the server is shutting down: options are then refused
     */
    Negotiation(Wire wire, Exports exports, String holder, BooleanSupplier stopping) {
        this.wire = wire;
        this.exports = exports;
        this.holder = holder;
        this.stopping = stopping;
    }

    /** Runs the handshake; null when the client left (or aborted) without picking an export. */
    Session run() throws IOException {
        wire.write(Handshake.greeting());
        ByteBuffer flags = wire.readMessage(Handshake.CLIENT_FLAGS_BYTES);
        if (flags == null) {
            return null;
        }
        noZeroes = Handshake.noZeroes(flags.getInt());
        while (true) {
            OptionRequest o = OptionRequest.read(wire);
            if (o == null) {
                return null;
            }
            if (o.option() == OptionRequest.ABORT) {
                wire.write(OptionReply.ack(o.option()));
                return null;
            }
            try {
                if (stopping.getAsBoolean()) {
                    throw new OptionException(OptionReply.ERR_SHUTDOWN, "The server is stopping");
                }
                Session s = option(o);
                if (s != null) {
                    return s;
                }
            } catch (OptionException e) {
                wire.write(OptionReply.error(o.option(), e.replyType(), e.getMessage()));
            }
        }
    }

    /** Answers one option; a session when it starts the transmission phase. */
    private Session option(OptionRequest o) throws IOException {
        switch (o.option()) {
            case OptionRequest.EXPORT_NAME:
                return exportName(o);
            case OptionRequest.LIST:
                noData(o);
                for (Export e : exports.list()) {
                    wire.write(OptionReply.server(o.option(), e.name(), e.description()));
                }
                wire.write(OptionReply.ack(o.option()));
                return null;
            case OptionRequest.INFO:
            case OptionRequest.GO:
                return info(o);
            case OptionRequest.STRUCTURED_REPLY:
                noData(o);
                structured = true;
                wire.write(OptionReply.ack(o.option()));
                return null;
            case OptionRequest.LIST_META_CONTEXT:
            case OptionRequest.SET_META_CONTEXT:
                metaContext(o);
                return null;
            default:
                throw new OptionException(
                        OptionReply.ERR_UNSUP,
                        OptionRequest.name(o.option()) + " is not supported by this server");
        }
    }

    private Session exportName(OptionRequest o) throws IOException {
        String name = new String(o.data(), StandardCharsets.UTF_8);
        Export export;
        Pool.Lease lease;
        try {
            export = exports.resolve(name);
            lease = lease(export);
        } catch (OptionException e) {
            // NBD_OPT_EXPORT_NAME has no error reply: the protocol says to end the session.
            throw new NbdProtocolException(e.getMessage());
        }
        int flags = TransmissionFlags.of(export.readOnly(), structured);
        ByteBuffer b = ByteBuffer.allocate(10 + (noZeroes ? 0 : EXPORT_NAME_PADDING));
        b.putLong(export.size()).putShort((short) flags);
        wire.write(b.position(b.capacity()).flip());
        return session(export, lease, flags);
    }

    private Session info(OptionRequest o) throws IOException {
        InfoRequest r = InfoRequest.parse(o);
        Export export = exports.resolve(r.exportName());
        boolean go = o.option() == OptionRequest.GO;
        Pool.Lease lease = go ? lease(export) : null;
        int flags = TransmissionFlags.of(export.readOnly(), structured);
        try {
            wire.write(OptionReply.info(o.option(), InfoReply.export(export.size(), flags)));
            if (r.wants(InfoReply.NAME)) {
                wire.write(OptionReply.info(o.option(), InfoReply.name(export.name())));
            }
            if (r.wants(InfoReply.DESCRIPTION)) {
                wire.write(
                        OptionReply.info(o.option(), InfoReply.description(export.description())));
            }
            wire.write(
                    OptionReply.info(
                            o.option(),
                            InfoReply.blockSize(MIN_BLOCK, PREFERRED_BLOCK, MAX_BLOCK)));
            wire.write(OptionReply.ack(o.option()));
        } catch (IOException | RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
        return go ? session(export, lease, flags) : null;
    }

    private void metaContext(OptionRequest o) throws IOException {
        boolean set = o.option() == OptionRequest.SET_META_CONTEXT;
        if (set) {
            metaContextExport = null; // replaced even when this request fails
        }
        if (!structured) {
            throw new OptionException(
                    OptionReply.ERR_INVALID,
                    OptionRequest.name(o.option()) + " needs NBD_OPT_STRUCTURED_REPLY first");
        }
        MetaContextRequest r = MetaContextRequest.parse(o);
        Export export = exports.resolve(r.exportName());
        List<String> contexts =
                set ? MetaContexts.select(r.queries()) : MetaContexts.list(r.queries());
        for (String c : contexts) {
            wire.write(
                    OptionReply.metaContext(
                            o.option(), set ? MetaContexts.BASE_ALLOCATION_ID : 0, c));
        }
        wire.write(OptionReply.ack(o.option()));
        if (set && !contexts.isEmpty()) {
            metaContextExport = export.name();
        }
    }

    private Pool.Lease lease(Export export) {
        try {
            return export.lease(holder);
        } catch (NotFoundException e) {
            throw new OptionException(OptionReply.ERR_UNKNOWN, e.getMessage());
        }
    }

    private Session session(Export export, Pool.Lease lease, int flags) {
        return new Session(
                export,
                lease,
                flags,
                structured,
                export.name().equals(metaContextExport),
                export.losses());
    }

    private static void noData(OptionRequest o) {
        if (o.data().length != 0) {
            throw new OptionException(
                    OptionReply.ERR_INVALID,
                    OptionRequest.name(o.option())
                            + " takes no data, got "
                            + o.data().length
                            + " bytes");
        }
    }
}
