package io.exoclone.engine;

/** A caller passed a value the engine refuses (bad size, range past the end, duplicate name). */
public class InvalidArgumentException extends ExocloneException {
    public InvalidArgumentException(String message) {
        super(message);
    }
}
