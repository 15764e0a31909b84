package io.exoclone.connectors.feed;

import java.time.Duration;

/**
 * Told what a {@link ChangeFeed} does, on its publishing thread: keep the methods short. Every
 * method has an empty default.
 */
public interface FeedListener {
    /** A snapshot's transaction committed. */
    default void published(PublishedSnapshot snapshot) {}

    /**
     * Publishing failed and will be tried again after {@code backoff}; an open transaction was
     * aborted (or will be, by the next session's fencing).
     */
    default void retrying(Throwable cause, Duration backoff) {}

    /** The feed stopped for good (for example fenced); {@link ChangeFeed#failure()} holds it. */
    default void failed(Throwable cause) {}
}
