package io.exoclone.connectors.feed;

import io.exoclone.engine.Snapshot;

/**
 * Test hooks at the points of a transaction where a crash or an outage matters. A hook that throws
 * behaves like a failure at that point; one that blocks holds the transaction open.
 */
interface Faults {
    Faults NONE = new Faults() {};

    /** After a {@code NodeChange} record was handed to the producer; {@code sent} counts them. */
    default void afterSend(Snapshot snapshot, long sent) {}

    /** Every record of the transaction was sent; the commit is next. */
    default void beforeCommit(Snapshot snapshot) {}

    /** The transaction committed; the pool's cursor property is not written yet. */
    default void afterCommit(Snapshot snapshot) {}
}
