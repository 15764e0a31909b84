package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;

/**
 * One request failed: the reply carries {@link #error()} (and, with structured replies, the
 * message); the connection goes on.
 */
final class CommandException extends ExocloneException {
    private final NbdError error;

    CommandException(NbdError error, String message) {
        super(message);
        this.error = error;
    }

    NbdError error() {
        return error;
    }
}
