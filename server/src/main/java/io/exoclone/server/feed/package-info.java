/**
 * The change feed inside the service: {@code serve --bootstrap} and a {@code replicate} of a served
 * pool publish its snapshots to Kafka from the process that holds it. This module does not know
 * Kafka: a {@link io.exoclone.server.feed.FeedProvider} found by the service loader (the connectors
 * module's) starts the feed; {@link io.exoclone.server.feed.Feeds} finds it.
 */
package io.exoclone.server.feed;
