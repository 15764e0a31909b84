package io.exoclone.engine;

/** Another process holds the pool's write lock. */
public class PoolLockedException extends ExocloneException {
    public PoolLockedException(String message) {
        super(message);
    }
}
