package io.exoclone.cli;

import io.exoclone.engine.ExocloneException;

/**
 * A command stopped because whoever ran it asked it to (Ctrl-C) or went away: for a command that
 * runs inside {@code exoclone serve}, its client. Exits with {@link ExitCodes#INTERRUPTED} and,
 * like a Ctrl-C, prints nothing.
 */
public final class CancelledException extends ExocloneException {
    public CancelledException(String message) {
        super(message);
    }
}
