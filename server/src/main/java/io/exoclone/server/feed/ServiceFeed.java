package io.exoclone.server.feed;

import io.exoclone.server.ServiceComponent;
import java.time.Duration;
import java.util.Optional;

/** A change feed running in the service, publishing every snapshot of the served pool. */
public interface ServiceFeed extends ServiceComponent {
    /** The feed's Kafka {@code transactional.id}, stable for the pool and the topic. */
    String transactionalId();

    /**
     * Whether this feed publishes to the cluster and topic of {@code options}: a second feed there
     * would publish every snapshot again, so whoever needs one shares this one instead.
     */
    boolean publishesTo(FeedOptions options);

    /** Tells {@code listener} too what the feed does, until the returned subscription is closed. */
    Subscription subscribe(FeedEvents listener);

    /** An extra listener's registration; closing it twice is harmless. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Why the feed stopped on its own, if it did. */
    Optional<String> failure();

    /**
     * Waits until every snapshot the pool holds now is published (or was deleted unpublished).
     *
     * @throws io.exoclone.engine.ExocloneException naming where the feed stands, when it fails or
     *     the timeout passes first
     */
    void awaitCaughtUp(Duration timeout);

    /**
     * Stops the feed: lets the snapshot being published commit (or aborts its transaction); the
     * snapshots not published yet are published by the next feed of the pool.
     */
    @Override
    void close();
}
