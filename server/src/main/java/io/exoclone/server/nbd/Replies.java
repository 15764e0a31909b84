package io.exoclone.server.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes the replies of one connection in the form negotiated: simple replies, or structured ones
 * once the client asked for them (then every read and every error is structured; other successes
 * stay simple, which the protocol allows). The connection's own thread queues its replies ({@link
 * Wire#queue}); another thread's are written at once.
 */
final class Replies {
    private final Wire wire;
    private final boolean structured;
    private final boolean queued;

    Replies(Wire wire, boolean structured, boolean queued) {
        this.wire = wire;
        this.structured = structured;
        this.queued = queued;
    }

    private void send(ByteBuffer... parts) throws IOException {
        if (queued) {
            wire.queue(parts);
        } else {
            wire.write(parts);
        }
    }

    /** Success of a command without data. */
    void ok(long cookie) throws IOException {
        send(SimpleReply.header(0, cookie));
    }

    /** Failure of any command. */
    void error(long cookie, NbdError error, String message) throws IOException {
        if (structured) {
            send(StructuredReply.error(cookie, error, message));
        } else {
            send(SimpleReply.header(error.code(), cookie));
        }
    }

    /** The data of a successful read of {@code data.length} bytes at {@code offset}. */
    void data(long cookie, long offset, byte[] data) throws IOException {
        if (!structured) {
            send(SimpleReply.header(0, cookie), ByteBuffer.wrap(data));
        } else if (data.length == 0) {
            send(StructuredReply.none(cookie));
        } else {
            send(
                    StructuredReply.offsetData(cookie, offset, data.length, true),
                    ByteBuffer.wrap(data));
        }
    }

    /** The answer to a block status request in the {@code base:allocation} context. */
    void blockStatus(long cookie, List<AllocationMap.Descriptor> descriptors) throws IOException {
        send(
                StructuredReply.blockStatus(
                        cookie, MetaContexts.BASE_ALLOCATION_ID, descriptors, true));
    }
}
