package io.exoclone.server.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes the replies of one connection in the form negotiated: simple replies, or structured ones
 * once the client asked for them (then every read and every error is structured; other successes
 * stay simple, which the protocol allows).
 */
final class Replies {
    private final Wire wire;
    private final boolean structured;

    Replies(Wire wire, boolean structured) {
        this.wire = wire;
        this.structured = structured;
    }

    /** Success of a command without data. */
    void ok(long cookie) throws IOException {
        wire.write(SimpleReply.header(0, cookie));
    }

    /** Failure of any command. */
    void error(long cookie, NbdError error, String message) throws IOException {
        if (structured) {
            wire.write(StructuredReply.error(cookie, error, message));
        } else {
            wire.write(SimpleReply.header(error.code(), cookie));
        }
    }

    /** The data of a successful read of {@code data.length} bytes at {@code offset}. */
    void data(long cookie, long offset, byte[] data) throws IOException {
        if (!structured) {
            wire.write(SimpleReply.header(0, cookie), ByteBuffer.wrap(data));
        } else if (data.length == 0) {
            wire.write(StructuredReply.none(cookie));
        } else {
            wire.write(
                    StructuredReply.offsetData(cookie, offset, data.length, true),
                    ByteBuffer.wrap(data));
        }
    }

    /** The answer to a block status request in the {@code base:allocation} context. */
    void blockStatus(long cookie, List<AllocationMap.Descriptor> descriptors) throws IOException {
        wire.write(
                StructuredReply.blockStatus(
                        cookie, MetaContexts.BASE_ALLOCATION_ID, descriptors, true));
    }
}
