package io.exoclone.connectors.feed;

import static io.exoclone.connectors.feed.FeedTesting.WAIT;
import static io.exoclone.connectors.feed.FeedTesting.assertSealedInOrder;
import static io.exoclone.connectors.feed.FeedTesting.churn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.exoclone.engine.Pool;
import io.exoclone.engine.Snapshot;
import io.exoclone.testutils.EmbeddedKafka;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The change feed against a real broker: content, record sizes, resume, fallbacks, fencing. */
class ChangeFeedITCase {
    @RegisterExtension static final EmbeddedKafka KAFKA = new EmbeddedKafka();

    @TempDir Path tmp;

    @Test
    void aConsumerRebuildsEverySnapshotByteForByteFromTheFeedAlone() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        Random rnd = new Random(7);
        List<Snapshot> taken = new ArrayList<>();
        FeedTesting.Recorder rec = new FeedTesting.Recorder();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config, rec)) {
            pool.createVolume("a", 16 << 20);
            pool.createVolume("b", 8 << 20);
            for (int round = 0; round < 4; round++) {
                churn(pool, "a", rnd, 20);
                taken.add(pool.snapshot("a", "r" + round));
                churn(pool, "b", rnd, 10);
                taken.add(pool.snapshot("b", null));
                if (round == 1) {
                    // A clone: its first snapshot's parent is a snapshot of volume a.
                    pool.clone(taken.get(2).id(), "c");
                }
                if (round >= 1) {
                    churn(pool, "c", rnd, 5);
                    taken.add(pool.snapshot("c", null));
                }
            }
            feed.awaitCaughtUp(WAIT);

            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(taken.size(), WAIT);
                assertSealedInOrder(sealed, taken);
                Replica replica = new Replica();
                for (int i = 0; i < sealed.size(); i++) {
                    Snapshot s = taken.get(i);
                    byte[] image = replica.apply(sealed.get(i));
                    assertThat(image)
                            .as("image of %s rebuilt from the feed", s)
                            .isEqualTo(pool.read(s.id(), 0, (int) s.size()));
                    assertThat(sealed.get(i).sealed().getParentId())
                            .isEqualTo(s.parentId().map(Object::toString).orElse(null));
                    assertThat(sealed.get(i).sealed().getVolumeId())
                            .isEqualTo(pool.volume(s.volume()).id().toString());
                }
                assertThat(reader.drain(java.time.Duration.ofMillis(500))).hasSize(taken.size());
                assertThat(reader.maxRecordBytes())
                        .isLessThanOrEqualTo(
                                config.maxRecordBytes() - FeedSession.RECORD_OVERHEAD_BYTES);
            }
            assertThat(rec.published).hasSize(taken.size());
            Snapshot last = taken.get(taken.size() - 1);
            assertThat(feed.publishedThrough())
                    .contains(new FeedCursor(last.generation(), last.id()));
            assertThat(feed.poolCursor()).isEqualTo(feed.publishedThrough());
        }
    }

    @Test
    void leavesAndRangesLargerThanTheRecordLimitAreSplitAndReassemble() throws Exception {
        // 3 MiB: the feed creates the topic with a max.message.bytes to match.
        for (int limit : new int[] {ChangeFeedConfig.DEFAULT_MAX_RECORD_BYTES, 16 << 10, 3 << 20}) {
            ChangeFeedConfig config =
                    FeedTesting.config(KAFKA.bootstrapServers()).maxRecordBytes(limit).build();
            Path dir = tmp.resolve("p" + limit);
            try (Pool pool = FeedTesting.newPool(dir);
                    ChangeFeed feed = ChangeFeed.start(pool, config)) {
                pool.createVolume("v", 32 << 20);
                byte[] d = new byte[6 << 20]; // 96 extents of 64 KiB: leaves of more than 1 MiB
                new Random(limit).nextBytes(d);
                pool.volume("v").write(1 << 20, d);
                Snapshot s1 = pool.snapshot("v", null);
                pool.volume("v").write(3 << 20, new byte[1 << 20]); // zeros: a ZERO range
                Snapshot s2 = pool.snapshot("v", null);
                feed.awaitCaughtUp(WAIT);
                try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                    List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(2, WAIT);
                    assertSealedInOrder(sealed, List.of(s1, s2));
                    Replica replica = new Replica();
                    assertThat(replica.apply(sealed.get(0)))
                            .isEqualTo(pool.read(s1.id(), 0, 32 << 20));
                    assertThat(replica.apply(sealed.get(1)))
                            .isEqualTo(pool.read(s2.id(), 0, 32 << 20));
                    assertThat(reader.maxRecordBytes())
                            .isLessThanOrEqualTo(limit - FeedSession.RECORD_OVERHEAD_BYTES);
                    var changes = sealed.get(0).changes();
                    if (limit == ChangeFeedConfig.DEFAULT_MAX_RECORD_BYTES) {
                        // A leaf holding more than 1 MiB of changes spans several records.
                        assertThat(changes.size()).isGreaterThanOrEqualTo(7);
                        assertThat(changes.stream().map(c -> c.getNodeId()).distinct().count())
                                .isLessThan(changes.size());
                    } else if (limit > ChangeFeedConfig.DEFAULT_MAX_RECORD_BYTES) {
                        assertThat(reader.maxRecordBytes()).isGreaterThan(2 << 20);
                    } else {
                        // 64 KiB ranges do not fit 16 KiB records: they come in parts.
                        assertThat(changes.stream().flatMap(c -> c.getRanges().stream()))
                                .anyMatch(r -> r.getParts() > 1 && r.getPart() > 0);
                    }
                }
            }
        }
    }

    @Test
    void anLz4FeedCreatesItsTopicWithThatCodecAndReassemblesTheSame() throws Exception {
        ChangeFeedConfig config =
                FeedTesting.config(KAFKA.bootstrapServers())
                        .producerProperty("compression.type", "lz4")
                        .build();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("lz4"));
                ChangeFeed feed = ChangeFeed.start(pool, config)) {
            pool.createVolume("v", 8 << 20);
            byte[] d = new byte[2 << 20];
            for (int i = 0; i < d.length; i++) {
                d[i] = (byte) ("exoclone text " + (i / 4096)).charAt(i % 14); // compressible
            }
            pool.volume("v").write(0, d);
            Snapshot s1 = pool.snapshot("v", null);
            feed.awaitCaughtUp(WAIT);
            try (org.apache.kafka.clients.admin.Admin admin =
                    org.apache.kafka.clients.admin.Admin.create(
                            java.util.Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
                var resource =
                        new org.apache.kafka.common.config.ConfigResource(
                                org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                                config.topic());
                String codec =
                        admin.describeConfigs(List.of(resource))
                                .all()
                                .get()
                                .get(resource)
                                .get("compression.type")
                                .value();
                assertThat(codec).isEqualTo("lz4");
            }
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(1, WAIT);
                assertThat(new Replica().apply(sealed.get(0)))
                        .isEqualTo(pool.read(s1.id(), 0, 8 << 20));
            }
        }
    }

    @Test
    void aFailureMidTransactionIsAbortedAndRetriedWithoutGapOrDuplicate() throws Exception {
        ChangeFeedConfig config =
                FeedTesting.config(KAFKA.bootstrapServers()).maxRecordBytes(64 << 10).build();
        AtomicInteger failures = new AtomicInteger();
        Faults faults =
                new Faults() {
                    @Override
                    public void afterSend(Snapshot snapshot, long sent) {
                        // The second snapshot fails after 5 records, twice.
                        if (snapshot.tag().orElse("").equals("s1")
                                && sent == 5
                                && failures.getAndIncrement() < 2) {
                            throw new KafkaException("Injected failure after 5 records");
                        }
                    }
                };
        FeedTesting.Recorder rec = new FeedTesting.Recorder();
        List<Snapshot> taken = new ArrayList<>();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config, rec, faults)) {
            pool.createVolume("v", 16 << 20);
            Random rnd = new Random(3);
            for (int i = 0; i < 3; i++) {
                churn(pool, "v", rnd, 30);
                taken.add(pool.snapshot("v", "s" + i));
            }
            feed.awaitCaughtUp(WAIT);
            assertThat(failures.get()).isEqualTo(3);
            assertThat(rec.retries)
                    .filteredOn(e -> String.valueOf(e.getMessage()).startsWith("Injected"))
                    .hasSize(2);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(3, WAIT);
                assertSealedInOrder(sealed, taken);
                assertThat(reader.drain(java.time.Duration.ofMillis(500))).hasSize(3);
                assertThat(reader.unsealed()).isEmpty();
                Replica replica = new Replica();
                for (int i = 0; i < 3; i++) {
                    assertThat(replica.apply(sealed.get(i)))
                            .isEqualTo(pool.read(taken.get(i).id(), 0, 16 << 20));
                }
            }
            // The aborted attempts are in the log, invisible to read_committed readers.
            assertThat(endOffset(config.topic())).isGreaterThan(recordsOf(config.topic()));
        }
    }

    @Test
    void aCommitThePoolDidNotRecordIsNotPublishedAgain() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        AtomicInteger crashes = new AtomicInteger();
        Faults faults =
                new Faults() {
                    @Override
                    public void afterCommit(Snapshot snapshot) {
                        if (crashes.getAndIncrement() == 0) {
                            throw new KafkaException("Injected failure between commit and pool");
                        }
                    }
                };
        List<Snapshot> taken = new ArrayList<>();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed =
                        ChangeFeed.start(pool, config, new FeedTesting.Recorder(), faults)) {
            pool.createVolume("v", 8 << 20);
            Random rnd = new Random(4);
            for (int i = 0; i < 3; i++) {
                churn(pool, "v", rnd, 10);
                taken.add(pool.snapshot("v", null));
            }
            feed.awaitCaughtUp(WAIT);
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                reader.awaitSealed(3, WAIT);
                assertSealedInOrder(reader.drain(java.time.Duration.ofSeconds(1)), taken);
            }
            Snapshot last = taken.get(2);
            assertThat(feed.poolCursor()).contains(new FeedCursor(last.generation(), last.id()));
        }
    }

    @Test
    void aRestartResumesFromKafkasCursorWhateverThePoolSays() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        Path dir = tmp.resolve("p");
        List<Snapshot> taken = new ArrayList<>();
        Random rnd = new Random(5);
        String property;
        try (Pool pool = FeedTesting.newPool(dir)) {
            pool.createVolume("v", 8 << 20);
            try (ChangeFeed feed = ChangeFeed.start(pool, config)) {
                for (int i = 0; i < 2; i++) {
                    churn(pool, "v", rnd, 10);
                    taken.add(pool.snapshot("v", null));
                }
                feed.awaitCaughtUp(WAIT);
                property = ChangeFeed.PUBLISHED_PROPERTY_PREFIX + feed.transactionalId();
            }
            // Taken while no feed runs.
            for (int i = 0; i < 2; i++) {
                churn(pool, "v", rnd, 10);
                taken.add(pool.snapshot("v", null));
            }
            // The pool lost its record of the second commit.
            pool.setProperty(
                    property,
                    new FeedCursor(taken.get(0).generation(), taken.get(0).id()).format());
        }
        try (Pool pool = FeedTesting.openPool(dir)) {
            try (ChangeFeed feed = ChangeFeed.start(pool, config)) {
                feed.awaitCaughtUp(WAIT);
                assertThat(feed.poolCursor()).isEqualTo(feed.publishedThrough());
            }
            // The pool claims more than Kafka has: Kafka still decides.
            pool.setProperty(property, new FeedCursor(10_000, taken.get(0).id()).format());
            churn(pool, "v", rnd, 10);
            taken.add(pool.snapshot("v", null));
            FeedTesting.Recorder rec = new FeedTesting.Recorder();
            try (ChangeFeed feed = ChangeFeed.start(pool, config, rec)) {
                feed.awaitCaughtUp(WAIT);
                assertThat(rec.published).hasSize(1);
            }
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                reader.awaitSealed(5, WAIT);
                assertSealedInOrder(reader.drain(java.time.Duration.ofSeconds(1)), taken);
            }
        }
    }

    @Test
    void aSnapshotWhoseParentWasDeletedUnpublishedGoesOutAsAFullImage() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        Random rnd = new Random(6);
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"))) {
            pool.createVolume("v", 8 << 20);
            churn(pool, "v", rnd, 10);
            Snapshot s1 = pool.snapshot("v", null);
            try (ChangeFeed feed = ChangeFeed.start(pool, config)) {
                feed.awaitCaughtUp(WAIT);
            }
            churn(pool, "v", rnd, 10);
            Snapshot s2 = pool.snapshot("v", null);
            churn(pool, "v", rnd, 10);
            Snapshot s3 = pool.snapshot("v", null);
            pool.deleteSnapshot(s2.id());
            FeedTesting.Recorder rec = new FeedTesting.Recorder();
            try (ChangeFeed feed = ChangeFeed.start(pool, config, rec)) {
                feed.awaitCaughtUp(WAIT);
            }
            assertThat(rec.published).hasSize(1);
            assertThat(rec.published.get(0).fullImageFallback()).isTrue();
            assertThat(rec.published.get(0).parentId()).isEmpty();
            try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), config.topic())) {
                List<FeedReader.SealedSnapshot> sealed = reader.awaitSealed(2, WAIT);
                assertSealedInOrder(
                        reader.drain(java.time.Duration.ofMillis(500)), List.of(s1, s3));
                assertThat(sealed.get(1).sealed().getParentId()).isNull();
                assertThat(new Replica().apply(sealed.get(1)))
                        .isEqualTo(pool.read(s3.id(), 0, 8 << 20));
            }
        }
    }

    @Test
    void aFencedFeedStopsForGood() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config)) {
            pool.createVolume("v", 1 << 20);
            pool.volume("v").write(0, new byte[] {1});
            feed.awaitPublished(pool.snapshot("v", null), WAIT);
            // Another emitter with the same transactional.id (a copy of the pool, say).
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, feed.transactionalId());
            try (KafkaProducer<byte[], byte[]> other =
                    new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                other.initTransactions();
            }
            pool.volume("v").write(0, new byte[] {2});
            Snapshot s2 = pool.snapshot("v", null);
            assertThatThrownBy(() -> feed.awaitPublished(s2, WAIT))
                    .isInstanceOf(FeedException.class)
                    .hasRootCauseInstanceOf(
                            org.apache.kafka.common.errors.ProducerFencedException.class);
            assertThat(feed.failure()).containsInstanceOf(FeedFencedException.class);
            // The failure is recorded just before the publishing thread ends: allow it to end.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (feed.isRunning() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(feed.isRunning()).isFalse();
        }
    }

    @Test
    void oneFeedPerPoolAndTopicInAProcess() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config)) {
            assertThatThrownBy(() -> ChangeFeed.start(pool, config))
                    .isInstanceOf(FeedException.class)
                    .hasMessageContaining(feed.transactionalId())
                    .hasMessageContaining("already running");
        }
    }

    @Test
    void unsuitableTopicsStopTheFeedWithAClearError() throws Exception {
        ChangeFeedConfig config = FeedTesting.config(KAFKA.bootstrapServers()).build();
        try (var admin = org.apache.kafka.clients.admin.Admin.create(KAFKA.clientProperties())) {
            admin.createTopics(
                            List.of(
                                    new org.apache.kafka.clients.admin.NewTopic(
                                                    config.topic(), 1, (short) 1)
                                            .configs(
                                                    java.util.Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        }
        try (Pool pool = FeedTesting.newPool(tmp.resolve("p"));
                ChangeFeed feed = ChangeFeed.start(pool, config)) {
            assertThatThrownBy(() -> feed.awaitCaughtUp(WAIT))
                    .isInstanceOf(FeedException.class)
                    .hasMessageContaining(config.topic())
                    .hasMessageContaining("cleanup.policy=compact");
        }
    }

    private static long endOffset(String topic) throws Exception {
        try (var admin = org.apache.kafka.clients.admin.Admin.create(KAFKA.clientProperties())) {
            var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            return admin.listOffsets(
                            java.util.Map.of(
                                    tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(tp)
                    .get()
                    .offset();
        }
    }

    private static long recordsOf(String topic) {
        try (FeedReader reader = new FeedReader(KAFKA.bootstrapServers(), topic)) {
            return reader.drain(java.time.Duration.ofMillis(500)).stream()
                    .mapToLong(s -> s.changes().size() + 1)
                    .sum();
        }
    }
}
