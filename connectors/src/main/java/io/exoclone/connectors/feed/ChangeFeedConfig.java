package io.exoclone.connectors.feed;

import io.exoclone.engine.InvalidArgumentException;
import io.exoclone.server.feed.FeedOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Settings of a {@link ChangeFeed}. Build with {@link #builder()}; everything is checked in {@link
 * Builder#build()}.
 */
public final class ChangeFeedConfig {
    /** Topic of the node changes and seals. */
    public static final String DEFAULT_TOPIC = FeedOptions.DEFAULT_TOPIC;

    /** Compacted topic holding each feed's cursor (its last committed snapshot). */
    public static final String DEFAULT_CURSOR_TOPIC = FeedOptions.DEFAULT_CURSOR_TOPIC;

    /** Largest Kafka record by default: fits the broker's default {@code message.max.bytes}. */
    public static final int DEFAULT_MAX_RECORD_BYTES = FeedOptions.DEFAULT_MAX_RECORD_BYTES;

    /** Smallest allowed record limit: a record must hold its header and one 4 KiB block. */
    public static final int MIN_MAX_RECORD_BYTES = 8 << 10;

    /** Producer settings the feed owns: exactly-once depends on them. */
    static final Set<String> RESERVED_PRODUCER_KEYS =
            Set.of(
                    "bootstrap.servers",
                    "transactional.id",
                    "enable.idempotence",
                    "acks",
                    "key.serializer",
                    "value.serializer",
                    "max.request.size",
                    "transaction.timeout.ms",
                    "max.block.ms");

    private final String bootstrapServers;
    private final String topic;
    private final String cursorTopic;
    private final int maxRecordBytes;
    private final String transactionalId;
    private final boolean createTopics;
    private final int topicPartitions;
    private final Duration transactionTimeout;
    private final Duration kafkaTimeout;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final Duration closeTimeout;
    private final Duration rescanInterval;
    private final Map<String, String> producerProperties;

    private ChangeFeedConfig(Builder b) {
        this.bootstrapServers = b.bootstrapServers;
        this.topic = b.topic;
        this.cursorTopic = b.cursorTopic;
        this.maxRecordBytes = b.maxRecordBytes;
        this.transactionalId = b.transactionalId;
        this.createTopics = b.createTopics;
        this.topicPartitions = b.topicPartitions;
        this.transactionTimeout = b.transactionTimeout;
        this.kafkaTimeout = b.kafkaTimeout;
        this.retryBackoff = b.retryBackoff;
        this.maxRetryBackoff = b.maxRetryBackoff;
        this.closeTimeout = b.closeTimeout;
        this.rescanInterval = b.rescanInterval;
        this.producerProperties = Map.copyOf(b.producerProperties);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The settings for the options of {@code stream}, {@code serve --bootstrap} or a {@code
     * replicate} of a served pool; everything else at its default.
     *
     * @throws InvalidArgumentException when an option is unusable
     */
    public static ChangeFeedConfig of(FeedOptions o) {
        Builder b =
                builder()
                        .bootstrapServers(o.bootstrap())
                        .topic(o.topic())
                        .cursorTopic(o.cursorTopic())
                        .maxRecordBytes(o.maxRecordBytes())
                        .topicPartitions(o.partitions())
                        .transactionalId(o.transactionalId().orElse(null));
        o.producerProperties().forEach(b::producerProperty);
        return b.build();
    }

    /** Kafka bootstrap servers, {@code HOST:PORT[,HOST:PORT...]}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Topic of {@code NodeChange} and {@code SnapshotSealed} records. */
    public String topic() {
        return topic;
    }

    /** Compacted topic holding the feed's cursor, written in every snapshot's transaction. */
    public String cursorTopic() {
        return cursorTopic;
    }

    /**
     * Upper bound of one Kafka record on the wire, key, value and record/batch overhead included.
     */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * The producer's {@code transactional.id}; empty means derived from the pool's feed id and the
     * topic (stable for the pool).
     */
    public Optional<String> transactionalId() {
        return Optional.ofNullable(transactionalId);
    }

    /** Whether missing topics are created at start (the cursor topic as compacted). */
    public boolean createTopics() {
        return createTopics;
    }

    /** Partitions of the change topic when the feed creates it. */
    public int topicPartitions() {
        return topicPartitions;
    }

    /** {@code transaction.timeout.ms}: the broker aborts a transaction left open this long. */
    public Duration transactionTimeout() {
        return transactionTimeout;
    }

    /** How long one Kafka call may block (metadata, buffer space, commit) before it fails. */
    public Duration kafkaTimeout() {
        return kafkaTimeout;
    }

    /**
     * First wait after a failure; doubles on each further failure up to {@link #maxRetryBackoff}.
     */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    public Duration maxRetryBackoff() {
        return maxRetryBackoff;
    }

    /** How long {@link ChangeFeed#close()} lets an open transaction finish before aborting it. */
    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** How often the feed looks for unpublished snapshots even without a commit notification. */
    public Duration rescanInterval() {
        return rescanInterval;
    }

    /** Extra producer settings (for example {@code compression.type}, {@code linger.ms}). */
    public Map<String, String> producerProperties() {
        return producerProperties;
    }

    @Override
    public String toString() {
        return "ChangeFeedConfig{bootstrap="
                + bootstrapServers
                + ", topic="
                + topic
                + ", cursorTopic="
                + cursorTopic
                + ", maxRecordBytes="
                + maxRecordBytes
                + ", transactionalId="
                + (transactionalId == null ? "<derived>" : transactionalId)
                + "}";
    }

    /** Builder of {@link ChangeFeedConfig}. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private String cursorTopic = DEFAULT_CURSOR_TOPIC;
        private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
        private String transactionalId;
        private boolean createTopics = true;
        private int topicPartitions = 1;
        private Duration transactionTimeout = Duration.ofMinutes(1);
        private Duration kafkaTimeout = Duration.ofSeconds(60);
        private Duration retryBackoff = Duration.ofMillis(500);
        private Duration maxRetryBackoff = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration rescanInterval = Duration.ofSeconds(5);
        private final Map<String, String> producerProperties = new LinkedHashMap<>();

        private Builder() {}

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        public Builder cursorTopic(String topic) {
            this.cursorTopic = topic;
            return this;
        }

        public Builder maxRecordBytes(int bytes) {
            this.maxRecordBytes = bytes;
            return this;
        }

        public Builder transactionalId(String id) {
            this.transactionalId = id;
            return this;
        }

        public Builder createTopics(boolean create) {
            this.createTopics = create;
            return this;
        }

        public Builder topicPartitions(int partitions) {
            this.topicPartitions = partitions;
            return this;
        }

        public Builder transactionTimeout(Duration timeout) {
            this.transactionTimeout = timeout;
            return this;
        }

        public Builder kafkaTimeout(Duration timeout) {
            this.kafkaTimeout = timeout;
            return this;
        }

        public Builder retryBackoff(Duration first, Duration max) {
            this.retryBackoff = first;
            this.maxRetryBackoff = max;
            return this;
        }

        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        public Builder rescanInterval(Duration interval) {
            this.rescanInterval = interval;
            return this;
        }

        /** Adds a producer setting; the settings exactly-once depends on are refused. */
        public Builder producerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            if (RESERVED_PRODUCER_KEYS.contains(key)) {
                throw new InvalidArgumentException(
                        "Producer property '"
                                + key
                                + "' is set by the change feed and cannot be overridden;"
                                + " reserved: "
                                + RESERVED_PRODUCER_KEYS);
            }
            producerProperties.put(key, Objects.requireNonNull(value, "value"));
            return this;
        }

        public ChangeFeedConfig build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new InvalidArgumentException(
                        "Bootstrap servers are required (HOST:PORT), got " + bootstrapServers);
            }
            checkTopic("Topic", topic);
            checkTopic("Cursor topic", cursorTopic);
            if (topic.equals(cursorTopic)) {
                throw new InvalidArgumentException(
                        "The cursor topic must differ from the change topic, both are " + topic);
            }
            if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
                throw new InvalidArgumentException(
                        "Max record bytes must be at least "
                                + MIN_MAX_RECORD_BYTES
                                + " (a record header and one 4 KiB block), got "
                                + maxRecordBytes);
            }
            if (transactionalId != null && transactionalId.isBlank()) {
                throw new InvalidArgumentException(
                        "Transactional id must not be blank, got '" + transactionalId + "'");
            }
            if (topicPartitions < 1) {
                throw new InvalidArgumentException(
                        "Topic partitions must be at least 1, got " + topicPartitions);
            }
            checkPositive("Transaction timeout", transactionTimeout);
            checkPositive("Kafka timeout", kafkaTimeout);
            checkPositive("Retry backoff", retryBackoff);
            checkPositive("Max retry backoff", maxRetryBackoff);
            if (maxRetryBackoff.compareTo(retryBackoff) < 0) {
                throw new InvalidArgumentException(
                        "Max retry backoff "
                                + maxRetryBackoff
                                + " is shorter than the first backoff "
                                + retryBackoff);
            }
            checkPositive("Close timeout", closeTimeout);
            checkPositive("Rescan interval", rescanInterval);
            if (kafkaTimeout.toMillis() < 1000) {
                throw new InvalidArgumentException(
                        "Kafka timeout must be at least 1 s, got " + kafkaTimeout);
            }
            return new ChangeFeedConfig(this);
        }

        private static void checkTopic(String what, String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]{1,249}")) {
                throw new InvalidArgumentException(
                        what
                                + " '"
                                + name
                                + "' is not a valid Kafka topic name (1-249 letters, digits,"
                                + " '.', '_' or '-')");
            }
        }

        private static void checkPositive(String what, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidArgumentException(what + " must be positive, got " + d);
            }
        }
    }
}
