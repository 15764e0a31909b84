package io.exoclone.engine;

/**
 * A commit failed at a point where it may or may not have become durable (for example the
 * superblock write returned an error after some bytes reached the disk). The pool must be reopened
 * to learn the outcome; never clean up after this as if the commit failed.
 */
public class CommitStateUnknownException extends ExocloneException {
    public CommitStateUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
