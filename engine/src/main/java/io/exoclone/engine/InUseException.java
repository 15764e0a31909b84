package io.exoclone.engine;

/**
 * A volume or snapshot is in use by something outside the pool (for example an NBD connection of
 * {@code exoclone serve}), so it cannot be deleted or have its content replaced now.
 */
public class InUseException extends ExocloneException {
    public InUseException(String message) {
        super(message);
    }
}
