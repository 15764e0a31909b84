package io.exoclone.server.nbd;

import io.exoclone.engine.ExocloneException;

/**
 * The peer broke the NBD protocol in a way the connection cannot survive (a bad magic number, an
 * unknown client flag, an option too large to skip): the server ends the connection, a hard
 * disconnect in the protocol's words. Other connections are not affected.
 */
final class NbdProtocolException extends ExocloneException {
    NbdProtocolException(String message) {
        super(message);
    }
}
