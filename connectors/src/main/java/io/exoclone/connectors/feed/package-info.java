/**
 * The change feed: publishes every snapshot of a pool to Kafka as one transaction of {@code
 * NodeChange} records and a {@code SnapshotSealed}, exactly once and in generation order, resuming
 * from a cursor that Kafka commits atomically with each snapshot. Start one with {@link
 * io.exoclone.connectors.feed.ChangeFeed#start}.
 */
package io.exoclone.connectors.feed;
