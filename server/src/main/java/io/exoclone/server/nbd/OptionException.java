package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;

/**
 * One option of the handshake cannot be granted: the server answers it with the error reply {@link
 * #replyType()} (an {@code NBD_REP_ERR_*} value) and the message, and the client may go on with
 * other options.
 */
final class OptionException extends ExocloneException {
    private final int replyType;

    OptionException(int replyType, String message) {
        super(message);
        this.replyType = replyType;
    }

    int replyType() {
        return replyType;
    }
}
