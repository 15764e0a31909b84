package io.exoclone.server.feed;

import io.exoclone.engine.Pool;

/**
 * Starts change feeds for the service. Found with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.exoclone.server.feed.FeedProvider}); the connectors module provides the
 * Kafka one.
 */
public interface FeedProvider {
    /**
     * Starts publishing the pool's snapshots: first those not published yet, then every new one.
     *
     * @throws io.exoclone.engine.ExocloneException when the options are unusable or a feed with the
     *     same {@code transactional.id} already runs in this process
     */
    ServiceFeed start(Pool pool, FeedOptions options, FeedEvents events);
}
