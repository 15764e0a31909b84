package io.exoclone.server.feed;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a change feed needs to know, as {@code stream}, {@code serve --bootstrap} and a {@code
 * replicate} of a served pool give it: the Kafka cluster, the topics, the largest record, the
 * partitions of a topic it creates, its {@code transactional.id} (empty: derived from the pool) and
 * extra producer settings.
 */
public record FeedOptions(
        String bootstrap,
        String topic,
        String cursorTopic,
        int maxRecordBytes,
        int partitions,
        Optional<String> transactionalId,
        Map<String, String> producerProperties) {
    /** Topic of the node changes. */
    public static final String DEFAULT_TOPIC = "exoclone.node-changes";

    /** Compacted topic of the feeds' cursors. */
    public static final String DEFAULT_CURSOR_TOPIC = "exoclone.feed-cursors";

    /** Largest Kafka record, key and overhead included. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;

    public FeedOptions {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("No Kafka bootstrap servers given");
        }
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(cursorTopic, "cursorTopic");
        Objects.requireNonNull(transactionalId, "transactionalId");
        producerProperties = Map.copyOf(producerProperties);
    }

    /** These options with another topic. */
    public FeedOptions withTopic(String other) {
        return new FeedOptions(
                bootstrap,
                other,
                cursorTopic,
                maxRecordBytes,
                partitions,
                transactionalId,
                producerProperties);
    }

    /** The defaults of {@code stream} for a cluster. */
    public static FeedOptions defaults(String bootstrap) {
        return new FeedOptions(
                bootstrap,
                DEFAULT_TOPIC,
                DEFAULT_CURSOR_TOPIC,
                DEFAULT_MAX_RECORD_BYTES,
                1,
                Optional.empty(),
                Map.of());
    }
}
