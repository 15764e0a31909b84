package io.exoclone.connectors.feed;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.engine.SnapshotChanges;
import io.exoclone.schemas.EventCodec;
import io.exoclone.schemas.NodeChange;
import io.exoclone.schemas.SnapshotSealed;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One incarnation of the feed's transactional producer. Opening it fences every earlier producer
 * with the same {@code transactional.id} (and completes or aborts its open transaction), then reads
 * the feed's cursor from the cursor topic: after that, the cursor is exactly what read_committed
 * consumers can see. {@link #publish} writes one snapshot as one transaction.
 *
 * <p>Any Kafka error ends the session: the feed closes it and opens a new one, which learns from
 * the cursor whether the last transaction committed.
 */
final class FeedSession implements AutoCloseable {
    /**
     * Bytes of a Kafka record and its batch beyond key and value: the record batch header (61) and
     * the record's own varints, attributes and timestamp delta (at most 32), and the snapshot
     * creation time header (at most 40), rounded up.
     */
    static final int RECORD_OVERHEAD_BYTES = 160;

    /**
     * Producer batch size: many small records per request, within the record limit (so within the
     * topic's {@code max.message.bytes}). 1 MiB measured faster than 256 KiB on both workloads of
     * {@code ChangeFeedBench}.
     */
    private static final int BATCH_BYTES = 1 << 20;

    private final ChangeFeedConfig config;
    private final String transactionalId;
    private final byte[] cursorKey;
    private final EventCodec codec;
    private final Faults faults;
    private final Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private TopicPartition cursorPartition;
    private Optional<FeedCursor> cursor = Optional.empty();
    private boolean inTransaction;

    private FeedSession(
            ChangeFeedConfig config, String transactionalId, EventCodec codec, Faults faults) {
        this.config = config;
        this.transactionalId = transactionalId;
        this.cursorKey = transactionalId.getBytes(StandardCharsets.UTF_8);
        this.codec = codec;
        this.faults = faults;
        this.admin = Admin.create(adminProperties());
    }

    /**
     * Opens a session: topics checked (and created), earlier producers fenced, cursor read.
     *
     * @throws FeedException when a topic is unsuitable (not worth retrying)
     * @throws KafkaException when Kafka fails or does not answer in time (worth retrying)
     */
    static FeedSession open(
            ChangeFeedConfig config, String transactionalId, EventCodec codec, Faults faults) {
        FeedSession s = new FeedSession(config, transactionalId, codec, faults);
        try {
            int partitions = FeedTopics.prepare(s.admin, config, s.batchBytes());
            s.cursorPartition =
                    new TopicPartition(
                            config.cursorTopic(),
                            Utils.toPositive(Utils.murmur2(s.cursorKey)) % partitions);
            s.producer = new KafkaProducer<>(s.producerProperties());
            s.producer.initTransactions();
            s.cursor = s.readCursor();
            return s;
        } catch (ProducerFencedException e) {
            s.close(Duration.ZERO);
            throw fenced(transactionalId, e);
        } catch (RuntimeException e) {
            s.close(Duration.ZERO);
            throw e;
        }
    }

    /** The last snapshot whose transaction committed, as Kafka says. */
    Optional<FeedCursor> cursor() {
        return cursor;
    }

    private int batchBytes() {
        return Math.min(BATCH_BYTES, config.maxRecordBytes());
    }

    /**
     * Publishes one snapshot in one transaction: its {@code NodeChange} records, its {@code
     * SnapshotSealed}, and the feed's new cursor. On any failure the transaction is aborted (when
     * the producer still can) and the error rethrown.
     *
     * @param cancelled checked between records; when it turns true the transaction is aborted
     */
    PublishedSnapshot publish(
            SnapshotSource.Prepared p, SnapshotSource source, BooleanSupplier cancelled) {
        Snapshot s = p.snapshot();
        long start = System.nanoTime();
        byte[] key = p.volumeId().toString().getBytes(StandardCharsets.UTF_8);
        String parent = p.parentId().map(UUID::toString).orElse(null);
        Sender sender = new Sender(key, s, cancelled);
        producer.beginTransaction();
        inTransaction = true;
        try {
            NodeChangeSplitter splitter =
                    new NodeChangeSplitter(
                            config.maxRecordBytes() - key.length - RECORD_OVERHEAD_BYTES,
                            new NodeChangeSplitter.Header(
                                    p.volumeId().toString(), s.volume(), s.id().toString(), parent),
                            (startBlock, blocks) -> source.read(s, startBlock, blocks),
                            sender::send);
            for (SnapshotChanges.LeafChange leaf : p.leaves()) {
                splitter.leaf(leaf.nodeId(), leaf.generation(), leaf.ranges());
            }
            SnapshotSealed sealed =
                    SnapshotSealed.newBuilder()
                            .setVolumeId(p.volumeId().toString())
                            .setVolumeName(s.volume())
                            .setSnapshotId(s.id().toString())
                            .setParentId(parent)
                            .setGeneration(s.generation())
                            .setCreatedMillis(s.created().toEpochMilli())
                            .setTag(s.tag().orElse(null))
                            .setVolumeSize(s.size())
                            .setBlockSize(Pool.BLOCK_SIZE)
                            .setNodeChangeCount(splitter.records())
                            .setDataBytes(splitter.dataBytes())
                            .setRootHash(ByteBuffer.wrap(s.rootHash()))
                            .build();
            byte[] sealedBytes = codec.encode(sealed);
            sender.send(config.topic(), key, sealedBytes);
            sender.send(cursorPartition, cursorKey, sealedBytes);
            faults.beforeCommit(s);
            producer.commitTransaction();
            inTransaction = false;
            faults.afterCommit(s);
            FeedCursor committed = new FeedCursor(s.generation(), s.id());
            cursor = Optional.of(committed);
            Instant now = Instant.now();
            return new PublishedSnapshot(
                    s.id(),
                    p.parentId(),
                    p.fullImageFallback(),
                    s.volume(),
                    p.volumeId(),
                    s.generation(),
                    splitter.records(),
                    splitter.dataBytes(),
                    sender.valueBytes,
                    Duration.ofNanos(System.nanoTime() - start),
                    Duration.between(s.created(), now));
        } catch (ProducerFencedException e) {
            throw fenced(transactionalId, e);
        } catch (RuntimeException | Error e) {
            RuntimeException abortFailure = abortQuietly();
            if (abortFailure != null && isFatal(abortFailure)) {
                // A produce failed with an old epoch and the abort says why: another producer.
                FeedException f = fenced(transactionalId, abortFailure);
                f.addSuppressed(e);
                throw f;
            }
            throw e;
        }
    }

    /**
     * Aborts the open transaction if there is one and the producer can still do it.
     *
     * @return why the abort failed, or null; the next session's {@code initTransactions} (or the
     *     broker's transaction timeout) aborts the transaction then
     */
    RuntimeException abortQuietly() {
        if (!inTransaction) {
            return null;
        }
        inTransaction = false;
        try {
            producer.abortTransaction();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    void close(Duration timeout) {
        if (producer != null) {
            try {
                producer.close(timeout);
            } catch (RuntimeException e) {
                // closing anyway
            }
        }
        try {
            admin.close(timeout);
        } catch (RuntimeException e) {
            // closing anyway
        }
    }

    /** Sends one transaction's records, counting them and stopping at the first failed send. */
    private final class Sender {
        private final byte[] key;
        private final Snapshot snapshot;
        private final BooleanSupplier cancelled;
        private final byte[] created;
        private volatile Exception failure;
        long valueBytes;
        long sent;

        Sender(byte[] key, Snapshot snapshot, BooleanSupplier cancelled) {
            this.key = key;
            this.snapshot = snapshot;
            this.cancelled = cancelled;
            this.created =
                    ByteBuffer.allocate(Long.BYTES)
                            .putLong(snapshot.created().toEpochMilli())
                            .array();
        }

        void send(NodeChange change) {
            byte[] value = codec.encode(change);
            if (key.length + value.length + RECORD_OVERHEAD_BYTES > config.maxRecordBytes()) {
                throw new IllegalStateException(
                        "A NodeChange of "
                                + value.length
                                + " bytes exceeds the record limit of "
                                + config.maxRecordBytes()
                                + " bytes: the splitter's size bound is wrong");
            }
            send(config.topic(), key, value);
            faults.afterSend(snapshot, sent);
        }

        void send(String topic, byte[] k, byte[] value) {
            send(new ProducerRecord<>(topic, k, value));
        }

        void send(TopicPartition tp, byte[] k, byte[] value) {
            send(new ProducerRecord<>(tp.topic(), tp.partition(), k, value));
        }

        private void send(ProducerRecord<byte[], byte[]> record) {
            if (cancelled.getAsBoolean()) {
                throw new FeedException(
                        "Publishing of snapshot " + snapshot.id() + " cancelled: the feed stops");
            }
            Exception f = failure;
            if (f != null) {
                throw f instanceof KafkaException k ? k : new KafkaException(f);
            }
            record.headers().add(ChangeFeed.SNAPSHOT_CREATED_HEADER, created);
            producer.send(
                    record,
                    (metadata, e) -> {
                        if (e != null && failure == null) {
                            failure = e;
                        }
                    });
            valueBytes += record.value().length;
            sent++;
        }
    }

    // ---------------------------------------------------------------- cursor

    /**
     * Reads this feed's last cursor record with read_committed, up to the partition's end as it is
     * now (including records of transactions still open, so a transaction of another feed that is
     * open on the same partition is waited for).
     */
    private Optional<FeedCursor> readCursor() {
        long timeout = config.kafkaTimeout().toMillis();
        long end =
                FeedTopics.get(
                                admin.listOffsets(
                                                Map.of(cursorPartition, OffsetSpec.latest()),
                                                new ListOffsetsOptions(
                                                        IsolationLevel.READ_UNCOMMITTED))
                                        .partitionResult(cursorPartition),
                                timeout)
                        .offset();
        byte[] last = null;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        consumerProperties(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer.assign(List.of(cursorPartition));
            consumer.seekToBeginning(List.of(cursorPartition));
            long deadline = System.currentTimeMillis() + timeout;
            while (consumer.position(cursorPartition, Duration.ofMillis(timeout)) < end) {
                if (System.currentTimeMillis() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException(
                            "Could not read the cursor topic "
                                    + cursorPartition
                                    + " up to offset "
                                    + end
                                    + " within "
                                    + timeout
                                    + " ms (is a transaction of another feed open on it?)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(r.key(), cursorKey)) {
                        last = r.value();
                    }
                }
            }
        }
        if (last == null) {
            return Optional.empty();
        }
        SnapshotSealed sealed;
        try {
            sealed = codec.decode(last, SnapshotSealed.class);
        } catch (RuntimeException e) {
            throw new FeedException(
                    "The cursor of feed "
                            + transactionalId
                            + " in "
                            + cursorPartition
                            + " cannot be decoded: "
                            + e.getMessage(),
                    e);
        }
        return Optional.of(
                new FeedCursor(sealed.getGeneration(), UUID.fromString(sealed.getSnapshotId())));
    }

    // ---------------------------------------------------------------- client settings

    private Properties producerProperties() {
        Properties p = new Properties();
        long kafkaTimeout = config.kafkaTimeout().toMillis();
        long requestTimeout = Math.min(30_000, Math.max(500, kafkaTimeout / 2));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes()));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(requestTimeout));
        p.put(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                Long.toString(Math.max(kafkaTimeout, requestTimeout + 5)));
        p.putAll(config.producerProperties());
        // What exactly-once depends on comes last: it cannot be overridden.
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(config.maxRecordBytes()));
        p.put(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(config.transactionTimeout().toMillis()));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(kafkaTimeout));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId + "-cursor");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                Long.toString(config.kafkaTimeout().toMillis()));
        return p;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, transactionalId + "-admin");
        p.put(
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, config.kafkaTimeout().toMillis()));
        p.put(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, Math.max(500, config.kafkaTimeout().toMillis() / 2)));
        return p;
    }

    private static FeedFencedException fenced(String transactionalId, Throwable cause) {
        return new FeedFencedException(
                "Another change feed started with transactional.id "
                        + transactionalId
                        + " and fenced this one; it stops so the pool's snapshots are not"
                        + " published twice",
                cause);
    }

    /**
     * Whether an error means the feed must stop instead of retrying: fenced by another producer
     * with the same transactional id, or not authorized. (An {@code InvalidProducerEpochException}
     * alone is not: the coordinator also bumps the epoch when it aborts a timed-out transaction.)
     */
    static boolean isFatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof AuthorizationException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
