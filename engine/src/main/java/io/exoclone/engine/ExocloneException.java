package io.exoclone.engine;

/** Root of every error exoclone raises. Unchecked; messages name the concrete values. */
public class ExocloneException extends RuntimeException {
    public ExocloneException(String message) {
        super(message);
    }

    public ExocloneException(String message, Throwable cause) {
        super(message, cause);
    }
}
