package io.exoclone.engine;

/** A volume, snapshot or file that was named does not exist. */
public class NotFoundException extends ExocloneException {
    public NotFoundException(String message) {
        super(message);
    }
}
