package io.exoclone.server.feed;

import java.util.UUID;

/** What a running change feed tells its owner. Called from the feed's thread. */
public interface FeedEvents {
    /**
     * A snapshot's Kafka transaction committed; {@code line} is the line {@code stream} prints for
     * it ({@code published UUID volume=... generation=... records=... bytes=... ms=...}).
     */
    void published(UUID snapshot, String line);

    /** Something the operator should know that does not stop the feed (a retry), one line. */
    void warning(String message);

    /** The feed stopped on its own (fenced, not authorized, an unsuitable topic), one line. */
    void failed(String message);
}
