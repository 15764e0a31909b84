package io.exoclone.server.control;

import io.exoclone.cli.ExitCodes;
import io.exoclone.engine.ExocloneException;
import io.exoclone.engine.InUseException;
import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.engine.NotFoundException;
import io.exoclone.engine.UnreachableException;
import java.io.IOException;

/**
 * Errors across the control socket: an {@link Frame#ERROR} frame carries the exit code and the
 * one-line message of the failure; the client turns it back into the exception of that exit code,
 * so it is reported and exits as if it had happened in the client.
 */
final class RemoteErrors {
    private RemoteErrors() {}

    static Frame frame(int exitCode, String message) {
        return Frame.of(Frame.ERROR, Payload.writer().putInt(exitCode).putString(message));
    }

    static Frame frame(Throwable error) {
        String m = error.getMessage() == null ? error.toString() : error.getMessage();
        return frame(ExitCodes.of(error), m.strip().replaceAll("\\s*\\R\\s*", "; "));
    }

    /** The exception an {@link Frame#ERROR} frame stands for. */
    static ExocloneException exception(Frame error) throws IOException {
        Payload.Reader r = error.reader();
        int code = r.getInt();
        String message = r.getString();
        return switch (code) {
            case ExitCodes.USAGE -> new InvalidArgumentException(message);
            case ExitCodes.NOT_FOUND -> new NotFoundException(message);
            case ExitCodes.LOCKED -> new InUseException(message);
            case ExitCodes.UNREACHABLE -> new UnreachableException(message, null);
            default -> new ExocloneException(message);
        };
    }
}
